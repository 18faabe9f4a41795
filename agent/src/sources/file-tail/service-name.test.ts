import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger, createSelfMetrics } from '@periscope/runtime'
import { decodeLogs, encodeLogs, logRows, type KeyValue, type LogsRequest } from '@periscope/model'
import { createAgentMetrics } from '../../agent-metrics.ts'
import { decodeEntry } from '../../buffer-entry.ts'
import { openCheckpointStore } from './checkpoints.ts'
import { liftServiceName } from './file-records.ts'
import { createFileTail, type FileTailOptions } from './file-tail.ts'

const OPTIONS: FileTailOptions = {
  include: [],
  exclude: [],
  format: 'json',
  startAt: 'beginning',
  pollIntervalMs: 10,
  globIntervalMs: 0,
  orphanIdleMs: 1000,
  maxLineBytes: 4096,
  maxOpenFiles: 100,
  readChunkBytes: 4096,
  multiline: { mode: 'off', maxLines: 100, maxBytes: 10_000, flushTimeoutMs: 500 },
  batch: { maxRecords: 100, maxBytes: 1 << 20, maxDelayMs: 0 },
}

let dir = ''
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-tail-service-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Tails `content` as one file with the real protobuf encoder; the requests as decoded back. */
async function tailOnce(content: string, format: FileTailOptions['format']): Promise<LogsRequest[]> {
  const path = join(dir, 'app.log')
  await writeFile(path, content)
  const bodies: Uint8Array[] = []
  const tail = createFileTail(
    { ...OPTIONS, format, include: [path] },
    {
      buffer: {
        async append(payload: Uint8Array) {
          bodies.push(decodeEntry(Buffer.from(payload)).body)
          return { ok: true as const, id: bodies.length }
        },
      },
      encodeLogs: (request) => encodeLogs(request, 'protobuf'),
      checkpoints: await openCheckpointStore(join(dir, 'checkpoints.json')),
      resume: new Map(),
      resourceAttributes: [{ key: 'host.name', value: { type: 'string', value: 'box-1' } }],
      logger: createLogger({ service: 'agent-test', level: 'silent' }),
      counters: { received: () => {}, sent: () => {}, dropped: () => {}, failed: () => {} },
      metrics: createAgentMetrics(createSelfMetrics({ service: 'agent-test', defaultMetrics: false })).fileTail,
      now: () => 1_000_000,
    },
  )
  await tail.pollOnce()
  await tail.stop()
  return bodies.map((body) => {
    const decoded = decodeLogs(body, 'protobuf')
    if (!decoded.ok) throw new Error(decoded.error.message)
    return decoded.value
  })
}

const str = (kvs: readonly KeyValue[], key: string) => {
  const kv = kvs.find((a) => a.key === key)
  return kv?.value.type === 'string' ? kv.value.value : undefined
}

describe('file_tail: the service a structured line names', () => {
  it('becomes the resource service.name of its records (grouped per service), and leaves the attributes', async () => {
    // lines as sdk/src/logger.ts writes them, two services interleaved, and one line naming none
    const content = [
      '{"level":30,"time":1735689600000,"pid":1,"hostname":"h","service":"checkout","msg":"a"}',
      '{"level":30,"time":1735689600001,"pid":1,"hostname":"h","service":"cart","msg":"b"}',
      '{"level":40,"time":1735689600002,"pid":1,"hostname":"h","service":"checkout","msg":"c"}',
      '{"level":30,"time":1735689600003,"pid":1,"hostname":"h","msg":"d"}',
    ].join('\n') + '\n'
    const requests = await tailOnce(content, 'json')
    const groups = requests.flatMap((r) => r.resourceLogs).map((rl) => ({
      service: str(rl.resource?.attributes ?? [], 'service.name'),
      host: str(rl.resource?.attributes ?? [], 'host.name'),
      bodies: rl.scopeLogs.flatMap((sl) => sl.logRecords.map((r) => (r.body?.type === 'string' ? r.body.value : '?'))),
      attributeKeys: rl.scopeLogs.flatMap((sl) => sl.logRecords.flatMap((r) => r.attributes.map((a) => a.key))),
    }))
    expect(groups.map(({ service, host, bodies }) => ({ service, host, bodies })).sort((x, y) => (x.bodies[0]! < y.bodies[0]! ? -1 : 1))).toEqual([
      { service: 'checkout', host: 'box-1', bodies: ['a', 'c'] },
      { service: 'cart', host: 'box-1', bodies: ['b'] },
      { service: undefined, host: 'box-1', bodies: ['d'] },
    ])
    for (const group of groups) {
      expect(group.attributeKeys).not.toContain('service')
      expect(group.attributeKeys).toContain('hostname')
    }
    // and the stored rows carry it as ServiceName
    const rows = requests.flatMap((r) => logRows(r, 't1').rows)
    expect(rows.map((r) => [r.Body, r.ServiceName]).sort()).toEqual([
      ['a', 'checkout'],
      ['b', 'cart'],
      ['c', 'checkout'],
      ['d', 'unknown_service'],
    ])
  })

  it('reads service.name and service_name from logfmt lines too', async () => {
    const requests = await tailOnce('level=info service.name=billing msg=x\nlevel=info service_name=ledger msg=y\n', 'logfmt')
    const byBody = new Map(
      requests
        .flatMap((r) => r.resourceLogs)
        .flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords.map((r) => [r.body?.type === 'string' ? r.body.value : '?', str(rl.resource?.attributes ?? [], 'service.name')] as const))),
    )
    expect(Object.fromEntries(byBody)).toEqual({ x: 'billing', y: 'ledger' })
  })

  it('prefers service.name over service_name over service, removes them all, and ignores non-string values', () => {
    const s = (key: string, value: string): KeyValue => ({ key, value: { type: 'string', value } })
    const attrs: KeyValue[] = [s('service', 'c'), s('user', 'u'), s('service_name', 'b'), s('service.name', 'a')]
    expect(liftServiceName(attrs)).toBe('a')
    expect(attrs).toEqual([s('user', 'u')])

    const nested: KeyValue[] = [{ key: 'service', value: { type: 'kvlist', value: [s('name', 'n'), s('version', '1')] } }]
    expect(liftServiceName(nested)).toBe('n')
    expect(nested).toEqual([])

    const numeric: KeyValue[] = [{ key: 'service', value: { type: 'int', value: 3n } }]
    expect(liftServiceName(numeric)).toBeUndefined()
    expect(numeric).toHaveLength(1)

    const empty: KeyValue[] = [s('service.name', ''), s('service', 'fallback')]
    expect(liftServiceName(empty)).toBe('fallback')
    expect(empty).toEqual([])
  })
})
