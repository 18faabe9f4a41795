/**
 * SLOs, alerting channels and rules for the e2e specs, written through the query API's own
 * routes (POST /slos, /channels, /alert-rules) once it is up, plus a loopback webhook receiver
 * the seeded channel points at (the query API is started with 127.0.0.1 on its SSRF allow-list),
 * so a test send from the alerts page is a real delivery.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { AlertRule, Channel, Slo } from '@periscope/query-api/api'

export const SEEDED_SLO = { name: 'Checkout availability', service: 'checkout', sli: 'availability', objective: 99, windowDays: 7 } as const
export const SEEDED_CHANNEL_NAME = 'oncall-webhook'
export const SEEDED_RULE_NAME = 'Checkout fast burn'

export interface WebhookReceiver {
  url: string
  /** bodies received, in order */
  received: string[]
  close(): Promise<void>
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: string[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= 1 << 20) chunks.push(c)
    })
    req.on('end', () => {
      received.push(Buffer.concat(chunks).toString('utf8'))
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise<void>((ok) => server.close(() => ok())) }
}

export interface AlertingSeed {
  slo: Slo
  channel: Channel
  rule: AlertRule
}

async function post<T>(apiUrl: string, token: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${apiUrl}/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${text}`)
  return JSON.parse(text) as T
}

export async function seedAlerting(apiUrl: string, token: string, receiverUrl: string): Promise<AlertingSeed> {
  const slo = await post<Slo>(apiUrl, token, '/slos', SEEDED_SLO)
  const channel = await post<Channel>(apiUrl, token, '/channels', { name: SEEDED_CHANNEL_NAME, type: 'webhook', config: { url: receiverUrl, secret: 'e2e-webhook-secret-0123456789' } })
  const rule = await post<AlertRule>(apiUrl, token, '/alert-rules', { name: SEEDED_RULE_NAME, severity: 'page', condition: { type: 'slo_burn', sloId: slo.id }, channelIds: [channel.id] })
  return { slo, channel, rule }
}
