/**
 * Shop payment (plain node:http): POST /charge {amountCents, card, email}.
 * The failing path: a card ending in 0002 (4000 0000 0000 0002, the usual test decline card) is always declined (402); any other charge fails with
 * 500 at SHOP_PAYMENT_ERROR_RATE (the processor "timing out").
 */
import { periscope } from '@periscope/sdk/register'
import { setHttpRoute } from '@periscope/sdk'
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { readShopConfig } from './config.ts'
import { HttpError, readJson, sendJson, simulatedLatencyMs, sleep } from './lib/http.ts'
import { serve } from './lib/service.ts'

const config = readShopConfig()
const log = periscope.logger

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0]
  if (req.method === 'GET' && path === '/healthz') {
    setHttpRoute('/healthz')
    return sendJson(res, 200, { ok: true })
  }
  if (req.method !== 'POST' || path !== '/charge') {
    return sendJson(res, 404, { error: 'not found' })
  }
  setHttpRoute('/charge')
  void charge(req)
    .then((result) => sendJson(res, 200, result))
    .catch((err: unknown) => {
      const status = err instanceof HttpError ? err.statusCode : 500
      if (status >= 500) log.error({ err, status }, 'charge failed')
      else log.warn({ status, reason: (err as Error).message }, 'charge declined')
      sendJson(res, status, { error: (err as Error).message })
    })
})

async function charge(req: import('node:http').IncomingMessage): Promise<{ chargeId: string }> {
  const body = (await readJson(req)) as { amountCents?: number; card?: string; email?: string }
  await sleep(simulatedLatencyMs(config.paymentLatencyMs))
  const card = String(body.card ?? '').replace(/\D/g, '')
  if (card.endsWith('0002')) throw new HttpError(402, 'card declined')
  if (Math.random() < config.paymentErrorRate) throw new HttpError(500, 'payment processor timed out')
  const chargeId = randomUUID()
  log.info({ chargeId, amountCents: body.amountCents, card: body.card }, 'charged')
  return { chargeId }
}

await serve(server, config.ports.payment, config.host, periscope)
