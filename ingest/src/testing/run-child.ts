/**
 * Runs ingest-child.ts as a separate process and, when asked, SIGKILLs it the moment it prints
 * a marker line. Used by the crash tests (the killed process releases the chdb data directory
 * and the local log's lock by dying, so the next child can open them).
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { ChildArgs, ChildResult, Marker } from './ingest-child.ts'

const CHILD = fileURLToPath(new URL('./ingest-child.ts', import.meta.url))
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

export interface ChildOutcome {
  /** the signal that ended it (SIGKILL for a kill), or null when it exited */
  signal: NodeJS.Signals | null
  code: number | null
  /** marker lines it printed, e.g. 'insert-done 2 otlp.traces/0/0-24/otel_traces' */
  marks: string[]
  result?: ChildResult
  stderr: string
}

export interface RunChildOptions {
  /** SIGKILL the child as soon as it prints this marker for the nth time */
  killAt?: { marker: Marker; nth: number }
  /** SIGKILL the child this long after it printed READY (a kill at no particular point) */
  killAfterReadyMs?: number
  timeoutMs: number
}

export function runChild(args: ChildArgs, options: RunChildOptions): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(args)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    const marks: string[] = []
    let result: ChildResult | undefined
    let stderr = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`ingest child did not finish within ${options.timeoutMs} ms; marks: ${marks.slice(-5).join(' | ')}; stderr: ${stderr.slice(-2000)}`))
    }, options.timeoutMs)
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-20_000)
    })
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('MARK ')) {
        const mark = line.slice(5)
        marks.push(mark)
        const [marker, nth] = mark.split(' ')
        if (options.killAt && marker === options.killAt.marker && Number(nth) === options.killAt.nth) child.kill('SIGKILL')
      } else if (line === 'READY' && options.killAfterReadyMs !== undefined) {
        setTimeout(() => child.kill('SIGKILL'), options.killAfterReadyMs)
      } else if (line.startsWith('RESULT ')) {
        result = JSON.parse(line.slice(7)) as ChildResult
      }
    })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ signal, code, marks, ...(result ? { result } : {}), stderr })
    })
  })
}
