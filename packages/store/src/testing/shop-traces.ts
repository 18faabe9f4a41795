/**
 * Realistic spans of an online shop, as its services' SDKs would export them: six services
 * (three replicas each), a dozen operations, HTTP/DB/Redis/Kafka spans with current semantic-
 * convention attributes, log-normal durations nested inside their parents, random trace and span
 * ids, 4-15 spans per trace, ~2 % failed checkouts with exception events. Spans are exported per
 * service replica in batches of up to 512 ordered by end time (BatchSpanProcessor's default),
 * one ResourceSpans per batch, so resource attributes are shared as on the wire.
 * Deterministic for a given seed.
 */
import type { AnyValue, KeyValue, Span, TracesRequest } from '@periscope/model'

const SERVICES = ['frontend', 'catalog', 'cart', 'checkout', 'payment', 'shipping'] as const
type Service = (typeof SERVICES)[number]

const KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const

const SCOPES = {
  http: { name: '@opentelemetry/instrumentation-http', version: '0.223.0' },
  pg: { name: '@opentelemetry/instrumentation-pg', version: '0.61.0' },
  redis: { name: '@opentelemetry/instrumentation-ioredis', version: '0.56.0' },
  kafka: { name: '@opentelemetry/instrumentation-kafkajs', version: '0.17.0' },
  app: { name: 'shop', version: '1.4.2' },
} as const
type ScopeKey = keyof typeof SCOPES

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
]

const STACK = `PaymentDeclinedError: card declined (insufficient_funds)
    at PaymentClient.charge (/app/src/payment/client.ts:88:13)
    at processTicksAndRejections (node:internal/process/task_queues:95:5)
    at async CheckoutService.placeOrder (/app/src/checkout/service.ts:142:22)
    at async /app/src/checkout/routes.ts:37:19`

export function prng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const str = (value: string): AnyValue => ({ type: 'string', value })
const int = (value: number): AnyValue => ({ type: 'int', value: BigInt(value) })
const kv = (attributes: Record<string, AnyValue>): KeyValue[] => Object.entries(attributes).map(([key, value]) => ({ key, value }))

interface Pending {
  service: Service
  replica: number
  scope: ScopeKey
  span: Span
}

export interface ShopTraces {
  requests: TracesRequest[]
  spanCount: number
  traceCount: number
}

/** Generates at least `spanCount` spans (whole traces) starting at `startNs`, over `windowMs`. */
export function generateShopTraces(options: { spanCount: number; seed: number; startNs: bigint; windowMs?: number }): ShopTraces {
  const random = prng(options.seed)
  const windowNs = BigInt(options.windowMs ?? 10 * 60_000) * 1_000_000n
  const bytes = (n: number): Uint8Array => {
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) out[i] = Math.floor(random() * 256)
    return out
  }
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  /** log-normal duration around a median, ms → ns, at µs precision like the JS SDK's clock */
  const durationNs = (medianMs: number, sigma = 0.6): bigint => {
    const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
    return BigInt(Math.max(1, Math.round(medianMs * Math.exp(sigma * gaussian) * 1000))) * 1000n
  }

  const pending: Pending[] = []
  let traceCount = 0

  interface Ctx {
    traceId: Uint8Array
    failed: boolean
    replicas: Record<Service, number>
  }

  const emit = (
    ctx: Ctx,
    service: Service,
    scope: ScopeKey,
    parent: Span | null,
    name: string,
    kind: number,
    startNs: bigint,
    lengthNs: bigint,
    attributes: Record<string, AnyValue>,
    error?: { message: string; withEvent: boolean },
  ): Span => {
    const span: Span = {
      traceId: ctx.traceId,
      spanId: bytes(8),
      traceState: '',
      parentSpanId: parent ? parent.spanId : new Uint8Array(0),
      flags: 0x101,
      name,
      kind,
      startTimeUnixNano: startNs,
      endTimeUnixNano: startNs + lengthNs,
      attributes: kv(attributes),
      droppedAttributesCount: 0,
      events: error?.withEvent
        ? [
            {
              timeUnixNano: startNs + lengthNs - 1000n,
              name: 'exception',
              attributes: kv({ 'exception.type': str('PaymentDeclinedError'), 'exception.message': str(error.message), 'exception.stacktrace': str(STACK) }),
              droppedAttributesCount: 0,
            },
          ]
        : [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: error ? { code: 2, message: error.message } : null,
    }
    pending.push({ service, replica: ctx.replicas[service], scope, span })
    return span
  }

  const http = (method: string, route: string, path: string, status: number, port = 8080) => ({
    'http.request.method': str(method),
    'url.path': str(path),
    'url.scheme': str('http'),
    'http.route': str(route),
    'http.response.status_code': int(status),
    'server.port': int(port),
    'network.protocol.version': str('1.1'),
  })

  /** client span in `from` calling `to`'s server span; returns the server span */
  const call = (ctx: Ctx, from: Service, to: Service, parent: Span, startNs: bigint, method: string, route: string, path: string, medianMs: number, status = 200) => {
    const serverNs = durationNs(medianMs)
    const clientNs = serverNs + durationNs(0.8, 0.4)
    const client = emit(ctx, from, 'http', parent, method, KIND.CLIENT, startNs, clientNs, {
      'http.request.method': str(method),
      'url.full': str(`http://${to}:8080${path}`),
      'server.address': str(to),
      'server.port': int(8080),
      'http.response.status_code': int(status),
      'network.protocol.version': str('1.1'),
    }, status >= 500 ? { message: `HTTP ${status}`, withEvent: false } : undefined)
    const server = emit(ctx, to, 'http', client, `${method} ${route}`, KIND.SERVER, startNs + 300_000n, serverNs, {
      ...http(method, route, path, status),
      'server.address': str(to),
      'client.address': str(`10.0.${Math.floor(random() * 4)}.${Math.floor(random() * 250) + 2}`),
    }, status >= 500 ? { message: `HTTP ${status}`, withEvent: false } : undefined)
    return server
  }

  const sql = (ctx: Ctx, service: Service, parent: Span, startNs: bigint, operation: string, table: string, text: string) =>
    emit(ctx, service, 'pg', parent, `${operation} shop.${table}`, KIND.CLIENT, startNs, durationNs(2.5), {
      'db.system.name': str('postgresql'),
      'db.namespace': str('shop'),
      'db.operation.name': str(operation),
      'db.collection.name': str(table),
      'db.query.text': str(text),
      'server.address': str('postgres'),
      'server.port': int(5432),
    })

  const redis = (ctx: Ctx, service: Service, parent: Span, startNs: bigint, command: string, key: string) =>
    emit(ctx, service, 'redis', parent, command, KIND.CLIENT, startNs, durationNs(0.4), {
      'db.system.name': str('redis'),
      'db.operation.name': str(command),
      'db.query.text': str(`${command} ${key}`),
      'server.address': str('redis'),
      'server.port': int(6379),
    })

  while (pending.length < options.spanCount) {
    traceCount++
    const ctx: Ctx = {
      traceId: bytes(16),
      failed: false,
      replicas: Object.fromEntries(SERVICES.map((s) => [s, Math.floor(random() * 3)])) as Record<Service, number>,
    }
    const t0 = options.startNs + BigInt(Math.floor(random() * Number(windowNs / 1000n))) * 1000n
    const user = `u-${Math.floor(random() * 20_000)}`
    const product = String(1000 + Math.floor(random() * 800))
    const ua = pick(USER_AGENTS)
    const entry = (method: string, route: string, path: string, medianMs: number, error?: { message: string; withEvent: boolean }) =>
      emit(ctx, 'frontend', 'http', null, `${method} ${route}`, KIND.SERVER, t0, durationNs(medianMs), {
        ...http(method, route, path, error ? 500 : 200),
        'server.address': str('shop.example.com'),
        'client.address': str(`${Math.floor(random() * 223) + 1}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`),
        'user_agent.original': str(ua),
        'app.user.id': str(user),
      }, error)
    const r = random()
    if (r < 0.35) {
      const root = entry('GET', '/', '/', 45)
      const server = call(ctx, 'frontend', 'catalog', root, t0 + 2_000_000n, 'GET', '/api/products', '/api/products', 18)
      sql(ctx, 'catalog', server, t0 + 3_000_000n, 'SELECT', 'products', 'SELECT id, name, price, image FROM products ORDER BY rank LIMIT $1')
      emit(ctx, 'frontend', 'app', root, 'render home', KIND.INTERNAL, t0 + 25_000_000n, durationNs(6), { 'app.template': str('home') })
    } else if (r < 0.7) {
      const root = entry('GET', '/products/:id', `/products/${product}`, 60)
      const server = call(ctx, 'frontend', 'catalog', root, t0 + 2_000_000n, 'GET', '/api/products/:id', `/api/products/${product}`, 15)
      sql(ctx, 'catalog', server, t0 + 3_000_000n, 'SELECT', 'products', 'SELECT id, name, price, description, stock FROM products WHERE id = $1')
      sql(ctx, 'catalog', server, t0 + 8_000_000n, 'SELECT', 'reviews', 'SELECT rating, body FROM reviews WHERE product_id = $1 LIMIT 20')
      const cart = call(ctx, 'frontend', 'cart', root, t0 + 20_000_000n, 'GET', '/api/cart', '/api/cart', 6)
      redis(ctx, 'cart', cart, t0 + 21_000_000n, 'HGETALL', `cart:${user}`)
      emit(ctx, 'frontend', 'app', root, 'render product', KIND.INTERNAL, t0 + 35_000_000n, durationNs(8), { 'app.template': str('product'), 'app.product.id': str(product) })
    } else if (r < 0.9) {
      const root = entry('POST', '/cart', '/cart', 40)
      const catalog = call(ctx, 'frontend', 'catalog', root, t0 + 2_000_000n, 'GET', '/api/products/:id', `/api/products/${product}`, 12)
      sql(ctx, 'catalog', catalog, t0 + 3_000_000n, 'SELECT', 'products', 'SELECT id, name, price, description, stock FROM products WHERE id = $1')
      const cart = call(ctx, 'frontend', 'cart', root, t0 + 16_000_000n, 'POST', '/api/cart/items', '/api/cart/items', 9)
      redis(ctx, 'cart', cart, t0 + 17_000_000n, 'HGETALL', `cart:${user}`)
      redis(ctx, 'cart', cart, t0 + 18_000_000n, 'HSET', `cart:${user}`)
      redis(ctx, 'cart', cart, t0 + 19_000_000n, 'EXPIRE', `cart:${user}`)
    } else {
      const declined = random() < 0.2
      const error = declined ? { message: 'card declined (insufficient_funds)', withEvent: true } : undefined
      const root = entry('POST', '/checkout', '/checkout', 180, error)
      const checkout = call(ctx, 'frontend', 'checkout', root, t0 + 3_000_000n, 'POST', '/api/checkout', '/api/checkout', 150, declined ? 502 : 200)
      const cart = call(ctx, 'checkout', 'cart', checkout, t0 + 5_000_000n, 'GET', '/api/cart', '/api/cart', 5)
      redis(ctx, 'cart', cart, t0 + 6_000_000n, 'HGETALL', `cart:${user}`)
      const payment = call(ctx, 'checkout', 'payment', checkout, t0 + 15_000_000n, 'POST', '/api/payments', '/api/payments', 90, declined ? 502 : 200)
      emit(ctx, 'payment', 'app', payment, 'charge card', KIND.INTERNAL, t0 + 16_000_000n, durationNs(80), {
        'app.payment.provider': str('stripe'),
        'app.payment.amount_cents': int(Math.floor(random() * 20_000) + 500),
        'app.payment.currency': str('EUR'),
      }, error)
      if (!declined) {
        const order = `o-${Math.floor(random() * 1e9)}`
        sql(ctx, 'checkout', checkout, t0 + 110_000_000n, 'INSERT', 'orders', 'INSERT INTO orders (id, user_id, total_cents, status) VALUES ($1, $2, $3, $4)')
        const publish = emit(ctx, 'checkout', 'kafka', checkout, 'publish orders', KIND.PRODUCER, t0 + 120_000_000n, durationNs(3), {
          'messaging.system': str('kafka'),
          'messaging.destination.name': str('orders'),
          'messaging.operation.type': str('publish'),
          'messaging.kafka.message.key': str(order),
        })
        const consume = emit(ctx, 'shipping', 'kafka', publish, 'process orders', KIND.CONSUMER, t0 + 150_000_000n, durationNs(25), {
          'messaging.system': str('kafka'),
          'messaging.destination.name': str('orders'),
          'messaging.operation.type': str('process'),
          'messaging.consumer.group.name': str('shipping'),
          'app.order.id': str(order),
        })
        sql(ctx, 'shipping', consume, t0 + 152_000_000n, 'INSERT', 'shipments', 'INSERT INTO shipments (order_id, carrier, status) VALUES ($1, $2, $3)')
      }
    }
  }

  return { requests: batchAsExported(pending), spanCount: pending.length, traceCount }
}

function resourceOf(service: Service, replica: number): KeyValue[] {
  const pod = `${service}-7d9f8c6b5-${['x2kqp', 'm8vzt', 'r4nhw'][replica]}`
  return kv({
    'service.name': str(service),
    'service.namespace': str('shop'),
    'service.version': str('1.4.2'),
    'service.instance.id': str(`${pod}-${service.length * 7919 + replica}`),
    'deployment.environment.name': str('production'),
    'telemetry.sdk.name': str('opentelemetry'),
    'telemetry.sdk.language': str('nodejs'),
    'telemetry.sdk.version': str('2.12.0'),
    'process.runtime.name': str('nodejs'),
    'process.runtime.version': str('20.20.2'),
    'process.pid': int(1),
    'host.name': str(pod),
    'k8s.namespace.name': str('shop'),
    'k8s.deployment.name': str(service),
    'k8s.pod.name': str(pod),
    'k8s.node.name': str(`ip-10-0-${replica}-${17 + replica * 11}.eu-west-1.compute.internal`),
    'cloud.provider': str('aws'),
    'cloud.region': str('eu-west-1'),
  })
}

/** Groups spans per service replica, ordered by end time, into export requests of ≤ 512 spans. */
function batchAsExported(pending: Pending[]): TracesRequest[] {
  const byReplica = new Map<string, Pending[]>()
  for (const p of pending) {
    const key = `${p.service}/${p.replica}`
    const list = byReplica.get(key) ?? []
    list.push(p)
    byReplica.set(key, list)
  }
  const requests: TracesRequest[] = []
  for (const list of byReplica.values()) {
    list.sort((a, b) => (a.span.endTimeUnixNano < b.span.endTimeUnixNano ? -1 : a.span.endTimeUnixNano > b.span.endTimeUnixNano ? 1 : 0))
    for (let i = 0; i < list.length; i += 512) {
      const batch = list.slice(i, i + 512)
      const byScope = new Map<ScopeKey, Span[]>()
      for (const p of batch) {
        const spans = byScope.get(p.scope) ?? []
        spans.push(p.span)
        byScope.set(p.scope, spans)
      }
      requests.push({
        resourceSpans: [
          {
            resource: { attributes: resourceOf(batch[0]!.service, batch[0]!.replica), droppedAttributesCount: 0, entityRefs: [] },
            schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
            scopeSpans: [...byScope.entries()].map(([scope, spans]) => ({
              scope: { name: SCOPES[scope].name, version: SCOPES[scope].version, attributes: [], droppedAttributesCount: 0 },
              spans,
              schemaUrl: '',
            })),
          },
        ],
      })
    }
  }
  return requests
}
