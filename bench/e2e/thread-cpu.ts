/**
 * CPU time of each thread of a process, by thread name, from /proc/<pid>/task/<tid>/stat. The
 * pipeline's V8 profile sees only its JS thread; the embedded ClickHouse (chdb) works on its own
 * threads (query pipeline, merges, background pools) and libuv's pool, which this accounts for.
 */
import { readdirSync, readFileSync } from 'node:fs'

const TICKS_PER_SECOND = 100

/** CPU ms (user + system) per thread name, summed over threads of the same name. */
export function threadCpuMs(pid: number): Map<string, number> {
  const out = new Map<string, number>()
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
    } catch {
      continue // the thread ended between the listing and the read
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    // unnamed threads inherit the process's name: libuv's pool (fs, zlib, chdb's queryAsync
    // dispatch) and V8's platform workers (concurrent GC, compilation) are told from the JS thread
    const name = tid === String(pid) ? `${comm} (JS main thread)` : comm === 'node' ? 'node (libuv pool, V8 workers)' : comm
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND
    out.set(name, (out.get(name) ?? 0) + ms)
  }
  return out
}

/** after − before per thread name (threads that ended in between are not counted). */
export function threadCpuDelta(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [name, ms] of after) {
    const delta = ms - (before.get(name) ?? 0)
    if (delta > 0) out[name] = delta
  }
  return out
}
