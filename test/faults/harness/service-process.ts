/**
 * A Periscope service (collector or ingest) as a child process, exactly as deployed:
 * `node --import tsx <service>/src/main.ts` with its config in a JSON file named by
 * PERISCOPE_<SERVICE>_CONFIG_FILE. The harness waits for the service's "listening"/"running" log
 * line, and can SIGKILL it, stop it with SIGTERM, read its /metrics and its resident memory.
 *
 * Invariant: a data directory (chdb, local log) is opened by at most one of these at a time; the
 * caller waits for `exited` before starting the next process on the same directories.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { childBaseEnv } from './config.ts'

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..')

export type ServiceName = 'collector' | 'ingest'

/** the log line each service prints once it serves */
const READY_LINE: Record<ServiceName, string> = { collector: 'collector listening', ingest: 'ingest running' }

export interface ServiceProcess {
  readonly name: ServiceName
  readonly pid: number
  readonly port: number
  readonly url: string
  /** resolves with the exit code or signal once the process is gone */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** the last 20 000 characters of stderr and of non-JSON stdout */
  output(): string
  /** SIGKILL and wait for the process to be gone */
  kill(): Promise<void>
  /** SIGTERM (graceful drain) and wait; SIGKILL after `timeoutMs` */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** sum of a /metrics series over label sets containing `labelFilter` */
  metric(name: string, labelFilter?: string): Promise<number>
  /** resident set size from /proc (Linux) */
  rssBytes(): number
}

export interface StartServiceOptions {
  name: ServiceName
  /** the service's config object (written to `<dir>/<name>.json`) */
  config: Record<string, unknown>
  dir: string
  startTimeoutMs?: number
  nodeArgs?: readonly string[]
}

/** A loopback port nothing listens on right now (for a service that must come back on the same port). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

export function startService(options: StartServiceOptions): Promise<ServiceProcess> {
  const { name, dir } = options
  const configPath = join(dir, `${name}.json`)
  writeFileSync(configPath, JSON.stringify(options.config))
  const main = join(REPO_ROOT, name, 'src', 'main.ts')
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', main], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...childBaseEnv(), [`PERISCOPE_${name.toUpperCase()}_CONFIG_FILE`]: configPath },
  })
  let text = ''
  const keep = (s: string) => (text = (text + s).slice(-20_000))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  return new Promise((resolve, reject) => {
    let settled = false
    const timeoutMs = options.startTimeoutMs ?? 60_000
    const timer = setTimeout(() => fail(new Error(`${name} did not start within ${timeoutMs} ms:\n${text}`)), timeoutMs)
    function fail(error: Error): void {
      if (settled) return
      settled = true
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(error)
    }
    void exited.then((e) => fail(new Error(`${name} exited (${e.code ?? e.signal}) before serving:\n${text}`)))
    child.stderr!.on('data', (d: Buffer) => keep(d.toString()))
    let rest = ''
    child.stdout!.on('data', (d: Buffer) => {
      const lines = (rest + d.toString()).split('\n')
      rest = lines.pop()!
      for (const line of lines) {
        // pino lines at warn or above are kept for failure messages; info lines only until ready
        if (!settled || /"level":(40|50|60)/.test(line) || !line.startsWith('{')) keep(`${line}\n`)
        if (settled || !line.includes(READY_LINE[name])) continue
        const parsed = JSON.parse(line) as { address: string }
        const port = Number(new URL(parsed.address).port)
        settled = true
        clearTimeout(timer)
        resolve(handle(port))
      }
    })
  })

  function handle(port: number): ServiceProcess {
    const pid = child.pid!
    const gone = () => child.exitCode !== null || child.signalCode !== null
    return {
      name,
      pid,
      port,
      url: `http://127.0.0.1:${port}`,
      exited,
      output: () => text,
      async kill() {
        if (!gone()) child.kill('SIGKILL')
        await exited
      },
      async stop(timeoutMs = 30_000) {
        if (!gone()) child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
        const result = await exited
        clearTimeout(timer)
        return result
      },
      async metric(metricName, labelFilter = '') {
        const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
        let sum = 0
        for (const l of body.split('\n')) {
          if (l.startsWith(metricName) && (l[metricName.length] === ' ' || l[metricName.length] === '{') && l.includes(labelFilter)) {
            sum += Number(l.slice(l.lastIndexOf(' ') + 1))
          }
        }
        return sum
      },
      rssBytes() {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8')
        const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1]
        return kb === undefined ? 0 : Number(kb) * 1024
      },
    }
  }
}
