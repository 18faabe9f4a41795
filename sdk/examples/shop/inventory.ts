/**
 * Shop inventory (plain node:http), the slow dependency: every call takes a few ms, and
 * SHOP_INVENTORY_SLOW_RATE of them SHOP_INVENTORY_SLOW_MS more (a slow p99).
 *   GET  /products       the catalogue
 *   GET  /stock/:sku     one product and its stock
 *   POST /reserve        {sku, qty} → {priceCents}; 409 when out of stock, 404 unknown sku
 * Stock refills over time so a long run does not sell out.
 */
import { periscope } from '@periscope/sdk/register'
import { setHttpRoute } from '@periscope/sdk'
import { createServer, type IncomingMessage } from 'node:http'
import { readShopConfig } from './config.ts'
import { HttpError, readJson, sendJson, simulatedLatencyMs, sleep } from './lib/http.ts'
import { serve } from './lib/service.ts'

const config = readShopConfig()
const log = periscope.logger

interface Product {
  sku: string
  name: string
  priceCents: number
  stock: number
}

const CAPACITY = 50
const catalogue = new Map<string, Product>(
  [
    { sku: 'periscope-mug', name: 'Periscope mug', priceCents: 1200 },
    { sku: 'trace-tee', name: 'Trace T-shirt', priceCents: 2500 },
    { sku: 'span-sticker', name: 'Span sticker pack', priceCents: 400 },
    { sku: 'p99-hoodie', name: 'p99 hoodie', priceCents: 5500 },
    { sku: 'slo-socks', name: 'SLO socks', priceCents: 900 },
  ].map((p) => [p.sku, { ...p, stock: CAPACITY }]),
)
const refill = setInterval(() => {
  for (const p of catalogue.values()) p.stock = Math.min(CAPACITY, p.stock + 5)
}, 2000)
refill.unref()

async function handle(req: IncomingMessage): Promise<unknown> {
  const path = (req.url ?? '/').split('?')[0] ?? '/'
  await sleep(simulatedLatencyMs(config.inventoryLatencyMs, config.inventorySlowRate, config.inventorySlowMs))
  if (req.method === 'GET' && path === '/products') {
    setHttpRoute('/products')
    return { products: [...catalogue.values()] }
  }
  const stock = /^\/stock\/([^/]+)$/.exec(path)
  if (req.method === 'GET' && stock) {
    setHttpRoute('/stock/:sku')
    const product = catalogue.get(decodeURIComponent(stock[1] ?? ''))
    if (!product) throw new HttpError(404, 'unknown sku')
    return product
  }
  if (req.method === 'POST' && path === '/reserve') {
    setHttpRoute('/reserve')
    const body = (await readJson(req)) as { sku?: string; qty?: number }
    const product = catalogue.get(String(body.sku))
    const qty = Number(body.qty ?? 1)
    if (!product) throw new HttpError(404, 'unknown sku')
    if (!Number.isInteger(qty) || qty < 1 || qty > 10) throw new HttpError(400, 'qty must be 1..10')
    if (product.stock < qty) throw new HttpError(409, `${product.sku} is out of stock`)
    product.stock -= qty
    log.info({ sku: product.sku, qty, left: product.stock }, 'reserved')
    return { sku: product.sku, priceCents: product.priceCents }
  }
  throw new HttpError(404, 'not found')
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    setHttpRoute('/healthz')
    return sendJson(res, 200, { ok: true })
  }
  handle(req).then(
    (body) => sendJson(res, 200, body),
    (err: unknown) => {
      const status = err instanceof HttpError ? err.statusCode : 500
      if (status >= 500) log.error({ err }, 'inventory error')
      else log.warn({ status, reason: (err as Error).message }, 'inventory request refused')
      sendJson(res, status, { error: (err as Error).message })
    },
  )
})

await serve(server, config.ports.inventory, config.host, periscope)
