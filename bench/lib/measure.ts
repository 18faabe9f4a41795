/**
 * How every Periscope benchmark measures: process CPU time (user + system) rather than wall
 * time, because these machines are shared and noisy; medians of several runs; and results that
 * record the core count, so a figure is never read without the machine it came from.
 */
import { cpus } from 'node:os'
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'

export interface CpuSample {
  wallMs: number
  /** user + system CPU of this process, ms */
  cpuMs: number
}

/** Runs `work` and returns its wall time and this process's CPU time. */
export async function measureCpu(work: () => Promise<void> | void): Promise<CpuSample> {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await work()
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 }
}

/** CPU ms (user + system) of another process, read from /proc/<pid>/stat. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // fields after the parenthesised command name; utime and stime are fields 14 and 15
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticksPerSecond = 100
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond
}

/** Resident set size of a process, bytes, from /proc/<pid>/status. */
export function processRssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) * 1024 : 0
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** The value at quantile q (0..1) by the nearest-rank method. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

export interface BenchRow {
  scenario: string
  metric: string
  value: number
  unit: string
  /** the goal as text, e.g. '>= 40000' or '<= 0.25'; absent when the row is informative */
  goal?: string
  met?: boolean
}

export function checkGoal(value: number, goal: string): boolean {
  const m = /^(>=|<=)\s*([\d.e+-]+)$/.exec(goal.trim())
  if (!m) throw new Error(`goal '${goal}' is not of the form '>= N' or '<= N'`)
  return m[1] === '>=' ? value >= Number(m[2]) : value <= Number(m[2])
}

/** Prints the rows as a table and merges them into bench/results/<date>.json under `suite`. */
export function report(suite: string, rows: BenchRow[], resultsDir = join(import.meta.dirname, '..', 'results')): void {
  const withGoals = rows.map((r) => (r.goal ? { ...r, met: checkGoal(r.value, r.goal) } : r))
  console.table(
    withGoals.map((r) => ({
      scenario: r.scenario,
      metric: r.metric,
      value: Number(r.value.toPrecision(4)),
      unit: r.unit,
      goal: r.goal ?? '',
      met: r.goal ? (r.met ? 'yes' : 'MISSED') : '',
    })),
  )
  mkdirSync(resultsDir, { recursive: true })
  const file = join(resultsDir, `${new Date().toISOString().slice(0, 10)}.json`)
  const all = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {}
  all[suite] = { at: new Date().toISOString(), cores: cpus().length, node: process.version, rows: withGoals }
  writeFileSync(file, JSON.stringify(all, null, 2) + '\n')
  console.log(`results: ${file}`)
}
