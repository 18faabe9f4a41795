/**
 * `node --import tsx bench/storage/main.ts [--quick]`: bytes on disk per span and per log line,
 * for rows written by the whole pipeline (OTLP protobuf → collector → local log → ingest →
 * embedded ClickHouse; bench/e2e/pipeline.ts), after OPTIMIZE FINAL, from system.parts (active
 * parts of otel_traces and otel_logs only; the trace index and rollups fed by materialized views
 * are not counted).
 *
 *   spans   the store's realistic shop generator (packages/store/src/testing/shop-traces.ts)
 *   logs    shop-like log records: six services, severities mostly INFO, templated messages with
 *           varying ids, trace context on most, a few attributes
 * Reported: bytes on disk per row, compression ratio (data_uncompressed_bytes /
 * data_compressed_bytes, goal ≥ 8), and OTLP protobuf bytes per row / bytes on disk per row
 * (spans goal ≥ 8, i.e. a span on disk ≤ 1/8 of its protobuf size). Counts are verified.
 */
import { encodeLogs, encodeTraces, keyValuesOf, type LogRecord, type LogsRequest } from '@periscope/model'
import { report, type BenchRow } from '../lib/measure.ts'
import { generateShopTraces, prng } from '../../packages/store/src/testing/shop-traces.ts'
import { postAll, startPipeline } from '../e2e/harness.ts'

const quick = process.argv.includes('--quick')
const SPANS = quick ? 30_000 : 50_000
const LOGS = quick ? 30_000 : 50_000
const LOGS_PER_REQUEST = 500
const SCENARIO_BUDGET_MS = 120_000

const SERVICES = ['frontend', 'cart', 'checkout', 'payment', 'catalog', 'shipping']
const TEMPLATES: Array<[number, string, (r: () => number) => string]> = [
  [9, 'INFO', (r) => `GET /api/products/${Math.floor(r() * 5000)} 200 in ${Math.floor(r() * 80)}ms`],
  [9, 'INFO', (r) => `cart ${Math.floor(r() * 1e9).toString(36)} updated: ${1 + Math.floor(r() * 6)} items`],
  [9, 'INFO', (r) => `order ${Math.floor(r() * 1e9).toString(36)} placed, total ${(r() * 300).toFixed(2)} EUR`],
  [5, 'DEBUG', (r) => `cache ${r() < 0.8 ? 'hit' : 'miss'} for key product:${Math.floor(r() * 5000)}`],
  [13, 'WARN', (r) => `slow query on carts: ${200 + Math.floor(r() * 2000)}ms`],
  [17, 'ERROR', (r) => `payment declined for order ${Math.floor(r() * 1e9).toString(36)}: card_declined`],
]

function logsRequest(first: number, count: number, startNs: bigint, random: () => number): LogsRequest {
  const service = SERVICES[first % SERVICES.length]!
  const logRecords: LogRecord[] = []
  for (let i = 0; i < count; i++) {
    const roll = random()
    const [severityNumber, severityText, message] = TEMPLATES[roll < 0.5 ? 0 : roll < 0.7 ? 1 : roll < 0.8 ? 2 : roll < 0.93 ? 3 : roll < 0.98 ? 4 : 5]!
    const timeNs = startNs + BigInt(first + i) * 1_000_000n + BigInt(Math.floor(random() * 1_000_000))
    const traced = random() < 0.8
    const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(random() * 256))
    logRecords.push({
      timeUnixNano: timeNs,
      observedTimeUnixNano: timeNs + 1_000_000n,
      severityNumber,
      severityText,
      body: { type: 'string', value: message(random) },
      attributes: keyValuesOf({ 'code.function': `${service}.handle`, 'http.route': '/api/products/{id}', 'enduser.id': `u${Math.floor(random() * 10_000)}` }),
      droppedAttributesCount: 0,
      flags: traced ? 1 : 0,
      traceId: traced ? bytes(16) : new Uint8Array(0),
      spanId: traced ? bytes(8) : new Uint8Array(0),
      eventName: '',
    })
  }
  return {
    resourceLogs: [
      {
        resource: {
          attributes: keyValuesOf({ 'service.name': service, 'service.version': '1.4.2', 'deployment.environment': 'production', 'host.name': `node-${first % 3}`, 'k8s.pod.name': `${service}-6d4f9c-${first % 3}` }),
          droppedAttributesCount: 0,
          entityRefs: [],
        },
        scopeLogs: [{ scope: { name: 'pino', version: '9.0.0', attributes: [], droppedAttributesCount: 0 }, logRecords, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  }
}

interface TableBytes {
  rows: number
  bytesOnDisk: number
  compressed: number
  uncompressed: number
}

const pipeline = await startPipeline('local')
const rows: BenchRow[] = []
try {
  const started = Date.now()
  const startNs = (BigInt(Date.now()) - 3_600_000n) * 1_000_000n
  const shop = generateShopTraces({ spanCount: SPANS, seed: 11, startNs })
  const spanBodies = shop.requests.map((r) => encodeTraces(r, 'protobuf'))
  const random = prng(12)
  const logBodies: Uint8Array[] = []
  for (let first = 0; first < LOGS; first += LOGS_PER_REQUEST) logBodies.push(encodeLogs(logsRequest(first, Math.min(LOGS_PER_REQUEST, LOGS - first), startNs, random), 'protobuf'))
  const spanProtobufBytes = spanBodies.reduce((n, b) => n + b.length, 0)
  const logProtobufBytes = logBodies.reduce((n, b) => n + b.length, 0)

  await postAll(pipeline, spanBodies, 8, started + SCENARIO_BUDGET_MS)
  await postAll(pipeline, logBodies, 8, started + SCENARIO_BUDGET_MS, '/v1/logs')
  const budget = () => Math.max(1000, started + SCENARIO_BUDGET_MS - Date.now())
  await pipeline.call('waitLanded', { table: 'otel_traces', target: shop.spanCount, timeoutMs: budget() })
  await pipeline.call('waitLanded', { table: 'otel_logs', target: LOGS, timeoutMs: budget() })
  const sizes = await pipeline.call<Record<string, TableBytes>>('storage')
  const traces = sizes.otel_traces!
  const logs = sizes.otel_logs!
  if (traces.rows !== shop.spanCount) throw new Error(`otel_traces holds ${traces.rows} rows, ${shop.spanCount} spans sent`)
  if (logs.rows !== LOGS) throw new Error(`otel_logs holds ${logs.rows} rows, ${LOGS} records sent`)
  rows.push(
    { scenario: `storage, ${traces.rows} spans`, metric: 'bytes on disk per span', value: traces.bytesOnDisk / traces.rows, unit: 'bytes' },
    { scenario: `storage, ${traces.rows} spans`, metric: 'compression ratio', value: traces.uncompressed / traces.compressed, unit: 'x', goal: '>= 8' },
    { scenario: `storage, ${traces.rows} spans`, metric: 'OTLP protobuf bytes per span', value: spanProtobufBytes / traces.rows, unit: 'bytes' },
    { scenario: `storage, ${traces.rows} spans`, metric: 'protobuf size / size on disk', value: spanProtobufBytes / traces.bytesOnDisk, unit: 'x', goal: '>= 8' },
    { scenario: `storage, ${logs.rows} log lines`, metric: 'bytes on disk per log line', value: logs.bytesOnDisk / logs.rows, unit: 'bytes' },
    { scenario: `storage, ${logs.rows} log lines`, metric: 'compression ratio', value: logs.uncompressed / logs.compressed, unit: 'x', goal: '>= 8' },
    { scenario: `storage, ${logs.rows} log lines`, metric: 'OTLP protobuf bytes per log line', value: logProtobufBytes / logs.rows, unit: 'bytes' },
    { scenario: `storage, ${logs.rows} log lines`, metric: 'protobuf size / size on disk', value: logProtobufBytes / logs.bytesOnDisk, unit: 'x' },
  )
} finally {
  await pipeline.stop()
}
report('storage', rows)
