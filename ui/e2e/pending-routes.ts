/**
 * A stand-in for the query API routes of issue #9 (SLOs and alerts), which have not landed:
 * a loopback HTTP server in front of the real query API that answers /api/v1/slos…,
 * /alert-rules, /channels… and /alerts with fixed answers in the shapes ARCHITECTURE.md
 * documents, and forwards everything else unchanged. It lets the e2e specs drive the SLO and
 * alert pages with data; once the real routes exist, drop this file and seed SLOs, rules and
 * channels through the API instead (stack.ts points the UI at `url`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export const STUB_SLO = { id: 'slo-checkout', name: 'Checkout availability', service: 'checkout', sli: 'availability', objective: 99, window: '1h' }
export const STUB_SLO_STATUS = {
  sli: 99.1,
  objective: 99,
  errorBudget: { total: 0.01, consumed: 0.9, remaining: 0.1 },
  burnRates: { '5m': 0, '30m': 12.5, '1h': 9.8, '6h': null, '1d': null, '3d': null },
}
export const STUB_SUGGESTION = { service: 'payment', sli: 'availability', objective: 99.5, reason: 'error rate 0.3 % over the last 7 days' }
export const STUB_CHANNEL = { id: 'ch-oncall', name: '#oncall', type: 'slack' }
const RULES = [{ id: 'rule-1', name: 'Checkout fast burn', sloId: STUB_SLO.id, severity: 'page', channels: [STUB_CHANNEL.name], enabled: true }]
const ALERTS = [
  { id: 'a1', ruleId: 'rule-1', ruleName: 'Checkout fast burn', state: 'firing', severity: 'page', startsAt: '2026-01-01T03:00:00Z', endsAt: null, summary: 'burn rate 14.4× over 1h and 5m', notifications: [{ channel: '#oncall', status: 'sent' }] },
  { id: 'a0', ruleId: 'rule-1', ruleName: 'Checkout fast burn', state: 'resolved', severity: 'page', startsAt: '2026-01-01T01:00:00Z', endsAt: '2026-01-01T01:20:00Z', summary: 'burn rate back under 1', notifications: [{ channel: '#oncall', status: 'sent' }] },
]

export interface PendingRoutes {
  url: string
  /** bodies of POST /slos and POST /channels/:id/test received, in order */
  writes: { path: string; body: string }[]
  close(): Promise<void>
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > 1 << 20) throw new Error('body over 1 MiB')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export async function startPendingRoutes(options: { upstream: string; token: string }): Promise<PendingRoutes> {
  const writes: { path: string; body: string }[] = []
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://stub')
      const path = url.pathname.replace(/^\/api\/v1/, '')
      const pending = /^\/(slos|alert-rules|channels|alerts)(\/|$)/.test(path)
      if (pending) {
        if (req.headers.authorization !== `Bearer ${options.token}`) return json(res, 401, { title: 'Unauthorized', status: 401, detail: 'unknown token', code: 'PERISCOPE_ERR_UNAUTHENTICATED' })
        if (req.method === 'GET' && path === '/slos') return json(res, 200, { slos: [STUB_SLO] })
        if (req.method === 'GET' && path === `/slos/${STUB_SLO.id}/status`) return json(res, 200, STUB_SLO_STATUS)
        if (req.method === 'GET' && path === '/slos/suggestions') return json(res, 200, { suggestions: [STUB_SUGGESTION] })
        if (req.method === 'POST' && path === '/slos') {
          const body = await readBody(req)
          writes.push({ path, body })
          return json(res, 201, { id: 'slo-created', ...(JSON.parse(body) as object) })
        }
        if (req.method === 'GET' && path === '/alert-rules') return json(res, 200, { rules: RULES })
        if (req.method === 'GET' && path === '/channels') return json(res, 200, { channels: [STUB_CHANNEL] })
        if (req.method === 'POST' && path === `/channels/${STUB_CHANNEL.id}/test`) {
          writes.push({ path, body: await readBody(req) })
          return json(res, 200, { delivered: true })
        }
        if (req.method === 'GET' && path === '/alerts') return json(res, 200, { alerts: ALERTS })
        return json(res, 404, { title: 'Not Found', status: 404, detail: `no stub for ${req.method} ${path}`, code: 'PERISCOPE_ERR_NOT_FOUND' })
      }
      const headers: Record<string, string> = {}
      for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string' && key !== 'host' && key !== 'connection') headers[key] = value
      const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req)
      const upstream = await fetch(`${options.upstream}${req.url ?? '/'}`, { method: req.method, headers, body })
      const out: Record<string, string> = {}
      upstream.headers.forEach((value, key) => {
        if (key !== 'content-encoding' && key !== 'content-length' && key !== 'transfer-encoding' && key !== 'connection') out[key] = value
      })
      res.writeHead(upstream.status, out)
      res.end(Buffer.from(await upstream.arrayBuffer()))
    })().catch((error: unknown) => json(res, 502, { title: 'Bad Gateway', status: 502, detail: String(error), code: 'PERISCOPE_ERR_STUB' }))
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    writes,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  }
}
