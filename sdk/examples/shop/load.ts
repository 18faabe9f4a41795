/**
 * `node --import tsx sdk/examples/shop/load.ts [--url=http://127.0.0.1:7001] [--rate=4] [--duration=0] [--concurrency=8]`
 * Drives a running shop; duration 0 runs until Ctrl-C. Prints a summary at the end.
 */
import { parseArgs } from 'node:util'
import { readLoadConfig, readShopConfig } from './config.ts'
import { runLoad } from './load-generator.ts'

const { values } = parseArgs({
  options: { url: { type: 'string' }, rate: { type: 'string' }, duration: { type: 'string' }, concurrency: { type: 'string' } },
})
const shop = readShopConfig()
const defaults = readLoadConfig()
const num = (v: string | undefined, fallback: number): number => (v === undefined ? fallback : Number(v))
const ratePerSecond = num(values.rate, defaults.ratePerSecond)
const durationS = num(values.duration, defaults.durationS)
const concurrency = num(values.concurrency, defaults.concurrency)
if (!(ratePerSecond > 0) || !(durationS >= 0) || !(concurrency >= 1)) {
  console.error('load: --rate must be > 0, --duration >= 0, --concurrency >= 1')
  process.exit(1)
}
const load = runLoad({ url: values.url ?? `http://${shop.host}:${shop.ports.frontend}`, ratePerSecond, durationS, concurrency })
process.on('SIGINT', () => load.stop())
process.on('SIGTERM', () => load.stop())
const summary = await load.done
console.log(JSON.stringify(summary))
