import { describe, expect, it } from 'vitest'
import { Value } from 'typebox/value'
import { BusConfigSchema, LOCAL_BUS_DEFAULTS, KAFKA_BUS_DEFAULTS, resolveKafkaBusConfig, resolveLocalBusConfig } from './bus-config.ts'
import { openBus } from './open-bus.ts'

describe('bus configuration', () => {
  it('accepts a minimal local and a minimal kafka configuration and fills the defaults', () => {
    expect(Value.Check(BusConfigSchema, { kind: 'local', dir: '/tmp/x' })).toBe(true)
    expect(Value.Check(BusConfigSchema, { kind: 'kafka', brokers: ['127.0.0.1:9092'] })).toBe(true)
    const local = resolveLocalBusConfig({ kind: 'local', dir: '/tmp/x', partitions: 2 })
    expect(local).toMatchObject({ dir: '/tmp/x', partitions: 2, segmentBytes: LOCAL_BUS_DEFAULTS.segmentBytes, groupCommitMs: 2 })
    const kafka = resolveKafkaBusConfig({ kind: 'kafka', brokers: ['b:1'] })
    expect(kafka).toMatchObject({ clientId: 'periscope', replicationFactor: -1, compression: 'gzip', sendTimeoutMs: KAFKA_BUS_DEFAULTS.sendTimeoutMs })
  })

  it('applies schema defaults the way a config loader does', () => {
    const withDefaults = Value.Default(BusConfigSchema, { kind: 'local', dir: '/d' }) as Record<string, unknown>
    expect(withDefaults.partitions).toBe(LOCAL_BUS_DEFAULTS.partitions)
    expect(withDefaults.retentionBytes).toBe(LOCAL_BUS_DEFAULTS.retentionBytes)
  })

  it('rejects unknown keys, a missing kind-specific field and a mixed-up shape, naming the problem', async () => {
    expect(Value.Check(BusConfigSchema, { kind: 'local', dir: '/d', brokers: ['x'] })).toBe(false)
    expect(Value.Check(BusConfigSchema, { kind: 'kafka' })).toBe(false)
    expect(Value.Check(BusConfigSchema, { kind: 'kafka', brokers: [] })).toBe(false)
    expect(Value.Check(BusConfigSchema, { kind: 'local', dir: '/d', partitions: 0 })).toBe(false)
    await expect(openBus({ kind: 'local', dir: '' } as never)).rejects.toThrow(/invalid bus configuration/)
  })
})
