/**
 * The launcher's child processes (agent, UI, demo shop, `next build`).
 *
 * Each child runs in its own process group (detached), so a Ctrl-C in the terminal reaches only
 * the launcher, which then stops the children in its own order: the demo first (nothing new is
 * produced), then the agent (it ships what it holds while the collector still listens), then the
 * UI. stop() sends SIGTERM to the whole group (the shop's services and Next's workers too) and
 * SIGKILL after `stopTimeoutMs`. If the launcher itself dies, its exit handler signals every
 * group that is still running, so no child outlives it holding a port.
 *
 * A child's stdout and stderr go straight to its log file (appended, one file per child): the
 * terminal keeps only the launcher's own summary, and a failing child is reported with the tail
 * of its file.
 */
import { spawn } from 'node:child_process'
import { closeSync, openSync, readSync, statSync, writeSync } from 'node:fs'

export interface ChildSpec {
  readonly name: string
  readonly command: string
  readonly args: readonly string[]
  readonly cwd?: string
  readonly env: Readonly<Record<string, string | undefined>>
  readonly logFile: string
  readonly stopTimeoutMs: number
}

export interface ChildExit {
  readonly name: string
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

export interface Child {
  readonly name: string
  readonly pid: number
  readonly logFile: string
  /** resolves when the process has exited, for whatever reason */
  readonly exited: Promise<ChildExit>
  readonly running: boolean
  /** SIGTERM to the group, SIGKILL after the timeout; resolves once it has exited */
  stop(): Promise<ChildExit>
}

const live = new Set<number>()
let exitHandlerInstalled = false

function installExitHandler(): void {
  if (exitHandlerInstalled) return
  exitHandlerInstalled = true
  process.on('exit', () => {
    for (const pid of live) signalGroup(pid, 'SIGTERM')
  })
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // the group is already gone
  }
}

export function startChild(spec: ChildSpec): Child {
  installExitHandler()
  const fd = openSync(spec.logFile, 'a')
  writeSync(fd, `\n--- ${new Date().toISOString()} starting ${spec.name}: ${[spec.command, ...spec.args].join(' ')}\n`)
  const child = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: spec.env as NodeJS.ProcessEnv,
    stdio: ['ignore', fd, fd],
    detached: true,
  })
  closeSync(fd)
  if (child.pid === undefined) {
    // spawn failures (ENOENT) surface as an 'error' event; report them as an exit
    const error = new Promise<ChildExit>((resolve) => child.once('error', () => resolve({ name: spec.name, code: 127, signal: null })))
    return { name: spec.name, pid: -1, logFile: spec.logFile, exited: error, running: false, stop: () => error }
  }
  const pid = child.pid
  live.add(pid)
  let running = true
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false
      live.delete(pid)
      resolve({ name: spec.name, code, signal })
    })
  })
  let stopping: Promise<ChildExit> | undefined
  return {
    name: spec.name,
    pid,
    logFile: spec.logFile,
    exited,
    get running() {
      return running
    },
    stop() {
      stopping ??= (async () => {
        if (!running) return exited
        signalGroup(pid, 'SIGTERM')
        const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), spec.stopTimeoutMs)
        const result = await exited
        clearTimeout(timer)
        // grandchildren that ignored SIGTERM (none should) do not outlive the group leader
        signalGroup(pid, 'SIGKILL')
        return result
      })()
      return stopping
    },
  }
}

/** The last `maxBytes` of a log file, for error messages. */
export function tailOf(file: string, maxBytes = 4096): string {
  try {
    const size = statSync(file).size
    const length = Math.min(size, maxBytes)
    const buffer = Buffer.alloc(length)
    const fd = openSync(file, 'r')
    try {
      readSync(fd, buffer, 0, length, size - length)
    } finally {
      closeSync(fd)
    }
    return buffer.toString('utf8')
  } catch {
    return ''
  }
}

/**
 * Polls `url` until it answers 2xx, the child exits, or `timeoutMs` passes. Resolves on success;
 * rejects with the reason (and the child's log tail) otherwise.
 */
export async function waitForHttp(url: string, options: { timeoutMs: number; child?: Child; intervalMs?: number }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs
  const interval = options.intervalMs ?? 250
  let last = 'no answer yet'
  while (Date.now() < deadline) {
    if (options.child && !options.child.running) {
      const exit = await options.child.exited
      throw new Error(`${exit.name} exited (code ${exit.code}, signal ${exit.signal}) before ${url} answered; the end of ${options.child.logFile}:\n${tailOf(options.child.logFile)}`)
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(Math.min(5000, Math.max(500, deadline - Date.now()))) })
      await response.body?.cancel()
      if (response.ok) return
      last = `HTTP ${response.status}`
    } catch (error) {
      last = (error as Error).message
    }
    await new Promise((resolve) => setTimeout(resolve, interval))
  }
  const tail = options.child ? `; the end of ${options.child.logFile}:\n${tailOf(options.child.logFile)}` : ''
  throw new Error(`${url} did not answer within ${options.timeoutMs} ms (${last})${tail}`)
}
