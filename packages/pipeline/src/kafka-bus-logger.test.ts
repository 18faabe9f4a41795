import { logLevel } from 'kafkajs'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { createKafkaLogCreator } from './kafka-bus-logger.ts'

function setup() {
  const lines: Array<Record<string, unknown>> = []
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) })
  let now = 0
  const log = createKafkaLogCreator(logger, { repeatWindowMs: 1_000, nowMs: () => now })(logLevel.WARN)
  const entry = (level: logLevel, message: string) => ({ namespace: 'Connection', level, label: level === logLevel.ERROR ? 'ERROR' : level === logLevel.WARN ? 'WARN' : 'INFO', log: { timestamp: 't', logger: 'kafkajs', message, broker: 'b:1' } })
  return { lines, log, entry, advance: (ms: number) => (now += ms) }
}

describe('kafkajs log creator', () => {
  it('forwards warnings and errors to pino as warn, and drops info and debug', () => {
    const { lines, log, entry } = setup()
    log(entry(logLevel.ERROR, 'Connection error: ECONNREFUSED'))
    log(entry(logLevel.WARN, 'a warning'))
    log(entry(logLevel.INFO, 'joined group'))
    log(entry(logLevel.DEBUG, 'fetch'))
    expect(lines.map((l) => [l.level, l.msg, l.kafkaLevel, l.broker])).toEqual([
      [40, 'Connection error: ECONNREFUSED', 'ERROR', 'b:1'],
      [40, 'a warning', 'WARN', 'b:1'],
    ])
  })

  it('logs a repeated line once per window and reports how many repeats it suppressed', () => {
    const { lines, log, entry, advance } = setup()
    for (let i = 0; i < 5; i++) log(entry(logLevel.ERROR, 'Connection error: ECONNREFUSED'))
    advance(1_000)
    log(entry(logLevel.ERROR, 'Connection error: ECONNREFUSED'))
    expect(lines).toHaveLength(2)
    expect(lines[1]!.suppressedRepeats).toBe(4)
  })

  it('drops the idempotent producer retry warning our bounded sends cause on purpose', () => {
    const { lines, log, entry } = setup()
    log(entry(logLevel.WARN, 'Limiting retries for the idempotent producer may invalidate EoS guarantees'))
    expect(lines).toEqual([])
  })
})
