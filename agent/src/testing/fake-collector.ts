/**
 * A small stand-in for the collector, for the agent's tests and benchmark: the peer of the
 * otlp_http sink. It decodes every request with @periscope/model (so what the agent sends must
 * be valid OTLP protobuf), keeps what it decoded, can be told to answer 200/400/429/503, and can
 * go down (close its port) and come back up on the same port.
 * `ackDelayMs` stands for the real collector's durable hand-off (an fsync) before its answer;
 * `decide` picks status and delay per request (answering out of order, failing chosen batches).
 * A request's records are kept only when it is answered 200, and kept before the delay: the
 * collector "has" them even if the agent dies before the answer arrives.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { decodeLogs, decodeMetrics, decodeTraces, encodeExportResponse, type LogsRequest, type MetricsRequest, type Signal, type TracesRequest } from '@periscope/model'

export interface FakeCollector {
  readonly url: string
  readonly port: number
  logs: LogsRequest[]
  metrics: MetricsRequest[]
  traces: TracesRequest[]
  /** requests by answered status */
  answered: Map<number, number>
  authorizations: Set<string>
  /** the status to answer next requests with (Retry-After is sent with 429/503) */
  respondWith(status: 200 | 400 | 429 | 503, retryAfterSeconds?: number): void
  /** log record bodies received, in order */
  logBodies(): string[]
  down(): Promise<void>
  up(): Promise<void>
  close(): Promise<void>
  /** only decode and count log records instead of keeping requests (for the benchmark) */
  countOnly: boolean
  logRecordCount: number
  /** waited before every answer (after decoding): the collector's durable hand-off */
  ackDelayMs: number
  /**
   * per request (0-based arrival index, its log bodies): the status and delay to answer with;
   * `undefined` fields fall back to `respondWith` and `ackDelayMs`
   */
  decide: ((request: { index: number; signal: Signal; logBodies: string[] }) => { status?: 200 | 400 | 429 | 503; delayMs?: number; retryAfterSeconds?: number } | undefined) | undefined
}

function logBodiesOf(requests: readonly LogsRequest[]): string[] {
  return requests.flatMap((r) =>
    r.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords.map((lr) => (lr.body?.type === 'string' ? lr.body.value : JSON.stringify(lr.body))))),
  )
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

export async function startFakeCollector(port = 0): Promise<FakeCollector> {
  let status: 200 | 400 | 429 | 503 = 200
  let retryAfterSeconds: number | undefined
  let server: Server | undefined
  let boundPort = port
  let requestIndex = 0
  const sockets = new Set<import('node:net').Socket>()

  const collector: FakeCollector = {
    url: '',
    port: 0,
    logs: [],
    metrics: [],
    traces: [],
    answered: new Map(),
    authorizations: new Set(),
    countOnly: false,
    logRecordCount: 0,
    ackDelayMs: 0,
    decide: undefined,
    respondWith(next, retryAfter) {
      status = next
      retryAfterSeconds = retryAfter
    },
    logBodies() {
      return logBodiesOf(collector.logs)
    },
    down,
    up,
    async close() {
      await down()
    },
  }

  async function handle(request: IncomingMessage): Promise<{ code: number; body: Buffer; headers: Record<string, string> }> {
    const raw = await readBody(request)
    const signal = /^\/v1\/(traces|logs|metrics)$/.exec(request.url ?? '')?.[1] as Signal | undefined
    if (!signal || request.method !== 'POST') return { code: 404, body: Buffer.alloc(0), headers: {} }
    const index = requestIndex++
    if (request.headers.authorization) collector.authorizations.add(request.headers.authorization)
    const decideNeedsBodies = collector.decide !== undefined
    let decoded: ReturnType<typeof decodeLogs> | ReturnType<typeof decodeMetrics> | ReturnType<typeof decodeTraces> | undefined
    if (status === 200 || decideNeedsBodies) {
      const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw
      decoded = signal === 'logs' ? decodeLogs(body, 'protobuf') : signal === 'metrics' ? decodeMetrics(body, 'protobuf') : decodeTraces(body, 'protobuf')
      if (!decoded.ok) return { code: 400, body: Buffer.from(decoded.error.message), headers: {} }
    }
    const decision = collector.decide?.({ index, signal, logBodies: signal === 'logs' && decoded?.ok ? logBodiesOf([decoded.value as LogsRequest]) : [] })
    const code = decision?.status ?? status
    const retryAfter = decision?.retryAfterSeconds ?? retryAfterSeconds
    const delayMs = decision?.delayMs ?? collector.ackDelayMs
    if (code !== 200) {
      if (delayMs > 0) await sleep(delayMs)
      return { code, body: Buffer.alloc(0), headers: retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {} }
    }
    if (!decoded?.ok) throw new Error('unreachable: a 200 answer always has a decoded request')
    if (signal === 'logs') {
      const logs = decoded.value as LogsRequest
      collector.logRecordCount += logs.resourceLogs.reduce((n, rl) => n + rl.scopeLogs.reduce((m, sl) => m + sl.logRecords.length, 0), 0)
      if (!collector.countOnly) collector.logs.push(logs)
    } else if (!collector.countOnly) {
      if (signal === 'metrics') collector.metrics.push(decoded.value as MetricsRequest)
      else collector.traces.push(decoded.value as TracesRequest)
    }
    if (delayMs > 0) await sleep(delayMs)
    return { code: 200, body: Buffer.from(encodeExportResponse(signal, { rejected: 0, message: '' }, 'protobuf')), headers: { 'content-type': 'application/x-protobuf' } }
  }

  async function up(): Promise<void> {
    server = createServer((request, response) => {
      handle(request).then(
        ({ code, body, headers }) => {
          collector.answered.set(code, (collector.answered.get(code) ?? 0) + 1)
          response.writeHead(code, headers).end(body)
        },
        (error: unknown) => response.writeHead(500).end(String(error)),
      )
    })
    server.on('connection', (socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject)
      server!.listen(boundPort, '127.0.0.1', () => resolve())
    })
    boundPort = (server.address() as import('node:net').AddressInfo).port
    Object.assign(collector, { port: boundPort, url: `http://127.0.0.1:${boundPort}` })
  }

  async function down(): Promise<void> {
    if (!server) return
    const closing = new Promise<void>((resolve) => server!.close(() => resolve()))
    for (const socket of sockets) socket.destroy()
    await closing
    server = undefined
  }

  await up()
  return collector
}
