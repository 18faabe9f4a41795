/**
 * Model benchmark: spans per CPU-second for the hot paths of the collector and ingest:
 * decode protobuf, decode OTLP/JSON, request -> rows, encode protobuf. Requests carry 100 spans
 * each, shaped like real HTTP server/client spans (resource of 8 attributes, spans of 10
 * attributes, some events). Each scenario runs ~1.5 s of CPU, 5 times; medians are reported.
 *
 *   npm run bench:model
 */
import { decodeTraces, encodeTraces, hexToBytes, keyValuesOf, spanRows, type Span, type TracesRequest } from '@periscope/model'
import { measureCpu, median, report, type BenchRow } from '../lib/measure.ts'

const SPANS_PER_REQUEST = 100
const RUNS = 5
const TARGET_CPU_MS = 1500

function hex(n: number, bytes: number): Uint8Array {
  return hexToBytes((n + 1).toString(16).padStart(bytes * 2, '0'))!
}

function makeRequest(seed: number): TracesRequest {
  const start = 1_700_000_000_000_000_000n + BigInt(seed) * 1_000_000n
  const spans: Span[] = []
  for (let i = 0; i < SPANS_PER_REQUEST; i++) {
    spans.push({
      traceId: hex(seed * 1000 + (i >> 3), 16),
      spanId: hex(seed * 1000 + i, 8),
      traceState: '',
      parentSpanId: i % 8 === 0 ? new Uint8Array(0) : hex(seed * 1000 + i - 1, 8),
      flags: 0x101,
      name: i % 2 ? 'GET /api/cart/{id}' : 'SELECT carts',
      kind: i % 2 ? 2 : 3,
      startTimeUnixNano: start + BigInt(i) * 1000n,
      endTimeUnixNano: start + BigInt(i) * 1000n + 250_000n,
      attributes: keyValuesOf({
        'http.request.method': 'GET',
        'http.route': '/api/cart/{id}',
        'http.response.status_code': 200,
        'url.path': `/api/cart/${i}`,
        'server.address': 'cart.internal',
        'server.port': 8080,
        'network.protocol.version': '1.1',
        'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64)',
        'db.system': 'postgresql',
        'app.cache.hit': i % 3 === 0,
      }),
      droppedAttributesCount: 0,
      events: i % 10 === 0 ? [{ timeUnixNano: start + 5000n, name: 'exception', attributes: keyValuesOf({ 'exception.type': 'Error', 'exception.message': 'boom' }), droppedAttributesCount: 0 }] : [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: i % 10 === 0 ? 2 : 0, message: '' },
    })
  }
  return {
    resourceSpans: [
      {
        resource: {
          attributes: keyValuesOf({
            'service.name': 'cart',
            'service.version': '1.4.2',
            'service.instance.id': 'cart-7d9f-abcde',
            'host.name': 'node-12',
            'k8s.pod.name': 'cart-7d9f-abcde',
            'k8s.namespace.name': 'shop',
            'telemetry.sdk.language': 'nodejs',
            'telemetry.sdk.version': '2.12.0',
          }),
          droppedAttributesCount: 0,
          entityRefs: [],
        },
        scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.223.0', attributes: [], droppedAttributesCount: 0 }, spans, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  }
}

/** Runs `op` over the requests in a loop until ~TARGET_CPU_MS, RUNS times; spans per CPU-second (median). */
async function spansPerSecond(op: (i: number) => void, requests: number): Promise<number> {
  // warm-up so the JIT has settled before measuring
  for (let i = 0; i < 200; i++) op(i % requests)
  let iterations = 50
  const probe = await measureCpu(() => {
    for (let i = 0; i < iterations; i++) op(i % requests)
  })
  iterations = Math.max(50, Math.round((iterations * TARGET_CPU_MS) / Math.max(1, probe.cpuMs)))
  const rates: number[] = []
  for (let r = 0; r < RUNS; r++) {
    const s = await measureCpu(() => {
      for (let i = 0; i < iterations; i++) op(i % requests)
    })
    rates.push((iterations * SPANS_PER_REQUEST) / (s.cpuMs / 1000))
  }
  return median(rates)
}

async function main(): Promise<void> {
  const requests = Array.from({ length: 16 }, (_, i) => makeRequest(i))
  const protobufBodies = requests.map((r) => encodeTraces(r, 'protobuf'))
  const jsonBodies = requests.map((r) => encodeTraces(r, 'json'))
  const sink: unknown[] = []
  const n = requests.length

  const decodeProtobuf = await spansPerSecond((i) => {
    const r = decodeTraces(protobufBodies[i]!, 'protobuf')
    if (!r.ok) throw r.error
    sink[0] = r.value
  }, n)
  const decodeJson = await spansPerSecond((i) => {
    const r = decodeTraces(jsonBodies[i]!, 'json')
    if (!r.ok) throw r.error
    sink[0] = r.value
  }, n)
  const rows = await spansPerSecond((i) => {
    sink[0] = spanRows(requests[i]!, 'tenant')
  }, n)
  const encodeProtobuf = await spansPerSecond((i) => {
    sink[0] = encodeTraces(requests[i]!, 'protobuf')
  }, n)
  const decodeAndRows = await spansPerSecond((i) => {
    const r = decodeTraces(protobufBodies[i]!, 'protobuf')
    if (!r.ok) throw r.error
    sink[0] = spanRows(r.value, 'tenant')
  }, n)

  const rowsOut: BenchRow[] = [
    { scenario: 'decode protobuf (100 spans/request)', metric: 'spans per CPU-second', value: decodeProtobuf, unit: 'spans/s', goal: '>= 40000' },
    { scenario: 'decode OTLP/JSON (100 spans/request)', metric: 'spans per CPU-second', value: decodeJson, unit: 'spans/s' },
    { scenario: 'spanRows', metric: 'spans per CPU-second', value: rows, unit: 'spans/s' },
    { scenario: 'encode protobuf', metric: 'spans per CPU-second', value: encodeProtobuf, unit: 'spans/s' },
    { scenario: 'decode protobuf + spanRows (ingest path)', metric: 'spans per CPU-second', value: decodeAndRows, unit: 'spans/s' },
    { scenario: 'request size', metric: 'protobuf bytes per span', value: protobufBodies[0]!.length / SPANS_PER_REQUEST, unit: 'B' },
    { scenario: 'request size', metric: 'JSON / protobuf size ratio', value: jsonBodies[0]!.length / protobufBodies[0]!.length, unit: 'x' },
  ]
  report('model', rowsOut)
}

await main()
