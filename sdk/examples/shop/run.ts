/**
 * `node --import tsx sdk/examples/shop/run.ts [flags]` — runs the demo shop until Ctrl-C.
 *
 *   --endpoint=URL              OTLP/HTTP endpoint (default $OTEL_EXPORTER_OTLP_ENDPOINT or http://127.0.0.1:4319)
 *   --log-dir=DIR               service log files (default $PERISCOPE_SHOP_LOG_DIR or ./.shop-logs)
 *   --payment-error-rate=0.05   --payment-latency-ms=40
 *   --inventory-slow-rate=0.03  --inventory-slow-ms=900  --inventory-latency-ms=8
 *   --load[=RATE]               also run the load generator, RATE requests/s (default $SHOP_LOAD_RATE or 4)
 *   --verbose                   echo the services' own stdout/stderr (their JSON logs go to files)
 * Every flag has its SHOP_* environment variable (see config.ts); flags win.
 */
import { parseArgs } from 'node:util'
import { readLauncherConfig, readLoadConfig, readShopConfig } from './config.ts'
import { startShop } from './launcher.ts'
import { runLoad, type Load } from './load-generator.ts'

// parseArgs has no optional values: a bare --load means "at the default rate"
const args = process.argv.slice(2).map((a) => (a === '--load' ? '--load=default' : a))
const { values } = parseArgs({
  args,
  options: {
    endpoint: { type: 'string' },
    'log-dir': { type: 'string' },
    'payment-error-rate': { type: 'string' },
    'payment-latency-ms': { type: 'string' },
    'inventory-slow-rate': { type: 'string' },
    'inventory-slow-ms': { type: 'string' },
    'inventory-latency-ms': { type: 'string' },
    load: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
  allowNegative: true,
})
const launcher = readLauncherConfig()
const env = { ...launcher.env }
const flagEnv: Array<[string | undefined, string]> = [
  [values['log-dir'], 'PERISCOPE_SHOP_LOG_DIR'],
  [values['payment-error-rate'], 'SHOP_PAYMENT_ERROR_RATE'],
  [values['payment-latency-ms'], 'SHOP_PAYMENT_LATENCY_MS'],
  [values['inventory-slow-rate'], 'SHOP_INVENTORY_SLOW_RATE'],
  [values['inventory-slow-ms'], 'SHOP_INVENTORY_SLOW_MS'],
  [values['inventory-latency-ms'], 'SHOP_INVENTORY_LATENCY_MS'],
]
for (const [value, name] of flagEnv) if (value !== undefined) env[name] = value
if (values.load !== undefined && values.load !== 'default') env.SHOP_LOAD_RATE = values.load

let shopConfig
let loadConfig
try {
  shopConfig = readShopConfig(env)
  loadConfig = readLoadConfig(env)
} catch (err) {
  console.error(`shop: ${(err as Error).message}`)
  process.exit(1)
}

const shop = await startShop({
  endpoint: values.endpoint ?? launcher.endpoint,
  logDir: shopConfig.logDir,
  host: shopConfig.host,
  ports: shopConfig.ports,
  metricsPorts: {
    frontend: shopConfig.metricsPortBase + 1,
    checkout: shopConfig.metricsPortBase + 2,
    payment: shopConfig.metricsPortBase + 3,
    inventory: shopConfig.metricsPortBase + 4,
  },
  paymentErrorRate: shopConfig.paymentErrorRate,
  paymentLatencyMs: shopConfig.paymentLatencyMs,
  inventorySlowRate: shopConfig.inventorySlowRate,
  inventorySlowMs: shopConfig.inventorySlowMs,
  inventoryLatencyMs: shopConfig.inventoryLatencyMs,
  env,
  output: (service, line) => {
    if (values.verbose || !line.startsWith('{')) console.log(`[${service}] ${line}`)
  },
}).catch((err: unknown) => {
  console.error(`shop: ${(err as Error).message}`)
  process.exit(1)
})

console.log(`shop: frontend on ${shop.url}, traces to ${values.endpoint ?? launcher.endpoint}`)
for (const s of Object.keys(shop.ports) as Array<keyof typeof shop.ports>) {
  console.log(`shop: ${s.padEnd(9)} :${shop.ports[s]}  metrics :${shop.metricsPorts[s]}/metrics  logs ${shop.logFiles[s]}`)
}

let load: Load | undefined
if (values.load !== undefined) {
  load = runLoad({ url: shop.url, ratePerSecond: loadConfig.ratePerSecond, durationS: loadConfig.durationS, concurrency: loadConfig.concurrency })
  console.log(`shop: load at ${loadConfig.ratePerSecond}/s${loadConfig.durationS > 0 ? ` for ${loadConfig.durationS}s` : ' until stopped'}`)
}

let stopping = false
const stop = async (code: number): Promise<void> => {
  if (stopping) return
  stopping = true
  load?.stop()
  const summary = load ? await load.done : undefined
  await shop.stop()
  if (summary) console.log(`shop: load summary ${JSON.stringify(summary)}`)
  process.exit(code)
}
process.on('SIGINT', () => void stop(0))
process.on('SIGTERM', () => void stop(0))
void shop.exited.then((e) => {
  console.error(`shop: ${e.service} exited (code ${e.code}, signal ${e.signal}); stopping the others`)
  void stop(1)
})
if (load && loadConfig.durationS > 0) void load.done.then(() => stop(0))
