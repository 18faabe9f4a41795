/**
 * Shop checkout (fastify): POST /checkout {items:[{sku,qty}], email, card} reserves every item at
 * inventory, then charges payment. 409 when an item is out of stock, 402 when the card is declined,
 * 502 when payment fails.
 */
import { periscope } from '@periscope/sdk/register'
import Fastify from 'fastify'
import { randomUUID } from 'node:crypto'
import { readShopConfig } from './config.ts'
import { callJson } from './lib/http.ts'

const config = readShopConfig()
const log = periscope.logger
const inventoryUrl = `http://${config.host}:${config.ports.inventory}`
const paymentUrl = `http://${config.host}:${config.ports.payment}`

interface CheckoutBody {
  items?: Array<{ sku: string; qty: number }>
  email?: string
  card?: string
}

const app = Fastify({ logger: false, bodyLimit: 64 * 1024 })

app.get('/healthz', async () => ({ ok: true }))

app.post('/checkout', async (request, reply) => {
  const body = (request.body ?? {}) as CheckoutBody
  const items = Array.isArray(body.items) ? body.items : []
  if (items.length === 0) return reply.code(400).send({ error: 'no items' })
  let amountCents = 0
  for (const item of items) {
    const r = await callJson<{ priceCents?: number; error?: string }>(`${inventoryUrl}/reserve`, { method: 'POST', body: item })
    if (r.status !== 200) {
      log.warn({ sku: item.sku, status: r.status }, 'reservation failed')
      return reply.code(r.status === 409 ? 409 : 502).send({ error: r.body.error ?? 'inventory unavailable' })
    }
    amountCents += (r.body.priceCents ?? 0) * item.qty
  }
  const charge = await callJson<{ chargeId?: string; error?: string }>(`${paymentUrl}/charge`, {
    method: 'POST',
    body: { amountCents, card: body.card, email: body.email },
  })
  if (charge.status === 402) {
    log.warn({ amountCents, error: charge.body.error }, 'payment declined')
    return reply.code(402).send({ error: `payment declined: ${charge.body.error ?? 'declined'}` })
  }
  if (charge.status !== 200) {
    log.error({ status: charge.status, amountCents, error: charge.body.error }, 'payment failed')
    return reply.code(502).send({ error: `payment failed: ${charge.body.error ?? charge.status}` })
  }
  const orderId = randomUUID()
  log.info({ orderId, amountCents, chargeId: charge.body.chargeId }, 'order confirmed')
  return { orderId, amountCents }
})

const address = await app.listen({ port: config.ports.checkout, host: config.host })
log.info({ address, metricsPort: await periscope.metricsPort }, 'listening')
let stopping = false
const stop = (signal: string): void => {
  if (stopping) return
  stopping = true
  log.info({ signal }, 'stopping')
  const forced = setTimeout(() => process.exit(0), 3000)
  forced.unref()
  void app
    .close()
    .then(() => periscope.shutdown())
    .finally(() => process.exit(0))
}
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGINT'))
