/**
 * `node --import tsx bench/e2e/profile-summary.ts <file.cpuprofile> [--top=N]`: self time of a V8
 * CPU profile written by `bench/e2e/main.ts --profile=<dir>`, by area and by function.
 *
 * Area = the nearest caller frame in Periscope code: collector/src, ingest/src, the bus
 * (packages/pipeline/src), the store (packages/store/src, e.g. the JSONEachRow serializer), the
 * bench harness; work with no such frame (fastify's HTTP handling, node internals, GC) is named
 * by its own file. The model's decoders and row mapping are counted under whoever called them.
 * When `<file>.threads.json` sits beside the profile (`…-1.threads.json` for `…-1.cpuprofile`),
 * the CPU of every thread of the process is printed too: the JS thread is `node`; the embedded
 * ClickHouse's threads carry their own names. When `….heapprofile` sits beside it, the bytes
 * allocated in the window (sampled, freed ones included: what the garbage collector works
 * through) are summarised by area the same way.
 */
import { existsSync, readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const [file] = process.argv.slice(2).filter((a) => !a.startsWith('--'))
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [--top=N]')
const top = Number(process.argv.find((a) => a.startsWith('--top='))?.slice(6) ?? 40)
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile

const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

const selfUs = new Map<number, number>()
for (let i = 0; i < profile.samples.length; i++) selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0))

const AREAS: [RegExp, string][] = [
  [/\/collector\/src\/handoff\//, 'collector: bus records'],
  [/\/collector\/src\/validate\//, 'collector: validation'],
  [/\/collector\/src\//, 'collector: app'],
  [/\/ingest\/src\/decode-record/, 'ingest: record → rows'],
  [/\/ingest\/src\/offset-ledger/, 'ingest: range ledger'],
  [/\/ingest\/src\//, 'ingest: batch writer'],
  [/\/packages\/pipeline\/src\/(local-log|kafka)/, 'bus'],
  [/\/packages\/pipeline\/src\//, 'pipeline: other'],
  [/\/packages\/store\/src\//, 'store: insert (JSONEachRow)'],
  [/\/bench\//, 'bench harness'],
]

function areaOfUrl(url: string): string | null {
  for (const [re, area] of AREAS) if (re.test(url)) return area
  return null
}

function shortUrl(url: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (m) return m[1]!
  if (url.startsWith('node:')) return url
  const i = url.search(/\/(collector|ingest|packages|bench)\//)
  return i >= 0 ? url.slice(i + 1) : url || '(native)'
}

const areaCache = new Map<number, string>()
function areaOf(id: number): string {
  const cached = areaCache.get(id)
  if (cached) return cached
  let area: string | null = null
  for (let at: number | undefined = id; at !== undefined && area === null; at = parent.get(at)) area = areaOfUrl(byId.get(at)!.callFrame.url)
  const node = byId.get(id)!
  const result = area ?? (node.callFrame.url ? `other: ${shortUrl(node.callFrame.url)}` : node.callFrame.functionName || '(anonymous)')
  areaCache.set(id, result)
  return result
}

let totalUs = 0
const areas = new Map<string, number>()
const functions = new Map<string, number>()
for (const [id, us] of selfUs) {
  totalUs += us
  const node = byId.get(id)!
  const area = areaOf(id)
  areas.set(area, (areas.get(area) ?? 0) + us)
  const fn = `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}  [${area}]`
  functions.set(fn, (functions.get(fn) ?? 0) + us)
}

const pct = (us: number): string => ((100 * us) / totalUs).toFixed(1).padStart(5) + ' %'
console.log(`JS thread, ${(totalUs / 1000).toFixed(0)} ms sampled (${file})\n\nself time by area:`)
for (const [area, us] of [...areas].sort((a, b) => b[1] - a[1])) console.log(`${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${area}`)
console.log(`\ntop ${top} functions by self time:`)
for (const [fn, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${fn}`)

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number }
  selfSize: number
  children: HeapNode[]
}

const heapFile = file.replace(/\.cpuprofile$/, '.heapprofile')
if (existsSync(heapFile)) {
  const heap = JSON.parse(readFileSync(heapFile, 'utf8')) as { head: HeapNode }
  const heapAreas = new Map<string, number>()
  const heapFunctions = new Map<string, number>()
  let totalBytes = 0
  const walk = (node: HeapNode, area: string | null): void => {
    const own = areaOfUrl(node.callFrame.url) ?? area
    if (node.selfSize > 0) {
      const name = own ?? (node.callFrame.url ? `other: ${shortUrl(node.callFrame.url)}` : node.callFrame.functionName || '(anonymous)')
      totalBytes += node.selfSize
      heapAreas.set(name, (heapAreas.get(name) ?? 0) + node.selfSize)
      const fn = `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}  [${name}]`
      heapFunctions.set(fn, (heapFunctions.get(fn) ?? 0) + node.selfSize)
    }
    for (const child of node.children) walk(child, own)
  }
  walk(heap.head, null)
  const mb = (bytes: number): string => (bytes / 1048576).toFixed(0).padStart(7) + ' MiB'
  console.log(`\nallocated (sampled) ${mb(totalBytes).trim()}, by area:`)
  for (const [area, bytes] of [...heapAreas].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${((100 * bytes) / totalBytes).toFixed(1).padStart(5)} %  ${mb(bytes)}  ${area}`)
  console.log(`\ntop ${top} allocating functions:`)
  for (const [fn, bytes] of [...heapFunctions].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * bytes) / totalBytes).toFixed(1).padStart(5)} %  ${mb(bytes)}  ${fn}`)
}

const threadsFile = file.replace(/\.cpuprofile$/, '.threads.json')
if (existsSync(threadsFile)) {
  const t = JSON.parse(readFileSync(threadsFile, 'utf8')) as { spans: number; cpuMs: number; wallMs: number; threads: Record<string, number> }
  console.log(`\nprocess CPU ${t.cpuMs} ms over ${t.wallMs} ms wall for ${t.spans} spans (${((t.cpuMs * 1000) / t.spans).toFixed(0)} µs/span); by thread name:`)
  for (const [name, ms] of Object.entries(t.threads).sort((a, b) => b[1] - a[1])) console.log(`${((100 * ms) / t.cpuMs).toFixed(1).padStart(5)} %  ${String(Math.round(ms)).padStart(7)} ms  ${name}`)
}
