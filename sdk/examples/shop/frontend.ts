/**
 * Shop frontend (express): the public API the load generator and a browser call.
 *   GET  /api/products          → inventory GET /products
 *   GET  /api/products/:sku     → inventory GET /stock/:sku
 *   POST /api/checkout          → checkout POST /checkout  {items:[{sku,qty}], email, card}
 * Logs the customer's e-mail and card number on purpose: the SDK redacts both.
 */
import { periscope } from '@periscope/sdk/register'
import { createServer } from 'node:http'
import express, { type NextFunction, type Request, type Response } from 'express'
import { readShopConfig } from './config.ts'
import { callJson } from './lib/http.ts'
import { serve } from './lib/service.ts'

const config = readShopConfig()
const log = periscope.logger
const inventoryUrl = `http://${config.host}:${config.ports.inventory}`
const checkoutUrl = `http://${config.host}:${config.ports.checkout}`

const app = express()
app.use(express.json({ limit: '64kb' }))

app.get('/healthz', (_req, res) => {
  res.json({ ok: true })
})

app.get('/api/products', async (_req, res) => {
  const r = await callJson(`${inventoryUrl}/products`)
  res.status(r.status).json(r.body)
})

app.get('/api/products/:sku', async (req, res) => {
  const r = await callJson(`${inventoryUrl}/stock/${encodeURIComponent(req.params.sku)}`)
  res.status(r.status).json(r.body)
})

app.post('/api/checkout', async (req: Request, res: Response) => {
  const body = req.body as { items?: unknown; email?: unknown; card?: unknown }
  log.info({ email: body.email, card: body.card, items: body.items }, `checkout requested by ${String(body.email)}`)
  const r = await callJson<{ orderId?: string; error?: string }>(`${checkoutUrl}/checkout`, { method: 'POST', body, timeoutMs: 8000 })
  if (r.status >= 500) log.error({ status: r.status, error: r.body.error }, 'checkout failed')
  else if (r.status >= 400) log.warn({ status: r.status, error: r.body.error }, 'checkout rejected')
  else log.info({ orderId: r.body.orderId }, 'order placed')
  res.status(r.status).json(r.body)
})

app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
  log.error({ err }, 'unhandled error')
  res.status(500).json({ error: 'internal error' })
})

await serve(createServer(app), config.ports.frontend, config.host, periscope)
