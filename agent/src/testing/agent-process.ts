/** Runs the real agent (main.ts) as a child process, for crash tests and the benchmark. */
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

export interface AgentProcess {
  child: ChildProcess
  /** the port of its HTTP server (OTLP receiver, /metrics) */
  port: number
  /** its stdout lines so far (pino JSON) */
  output: string[]
  kill(signal?: NodeJS.Signals): Promise<void>
  /** the value of one /metrics series (sum over label sets matching `labelFilter`), 0 when absent */
  metric(name: string, labelFilter?: string): Promise<number>
}

const MAIN = join(import.meta.dirname, '..', 'main.ts')

/**
 * V8 flags the agent runs with (agent/package.json `start`; deployments should use the same):
 * a bounded old generation makes V8 collect before the heap balloons, which keeps a per-host
 * process near its RSS goal (150 MiB at 10k lines/s) at a small CPU cost — see bench/agent.
 */
export const AGENT_NODE_ARGS: readonly string[] = ['--max-semi-space-size=8', '--max-old-space-size=128']

/**
 * Modules imported before tsx registers its loader hooks (agent/package.json `start` does the
 * same). typebox is ~680 ES modules; imported after tsx, each one makes a round trip through
 * tsx's hooks on their own thread, about a third of the agent's start time (measured: a start
 * of ~1.6 s became ~1.05 s on an idle machine, 4-5 s → ~3 s under load). Imported first, the
 * agent's own imports find them in the module cache: the same modules, only loaded sooner.
 * Bare specifiers of --import resolve from the working directory, hence the child's cwd.
 */
export const AGENT_PRELOAD_ARGS: readonly string[] = ['--import', 'typebox', '--import', 'typebox/value']
const AGENT_DIR = join(import.meta.dirname, '..', '..')

export function startAgentProcess(configPath: string, env: NodeJS.ProcessEnv = {}, nodeArgs: readonly string[] = AGENT_NODE_ARGS): Promise<AgentProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, ...AGENT_PRELOAD_ARGS, '--import', 'tsx', MAIN, '--config', configPath], {
      cwd: AGENT_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { TZ: 'UTC', ...env },
    })
    const output: string[] = []
    let stderr = ''
    let rest = ''
    let settled = false
    const timer = setTimeout(() => fail(new Error(`agent did not start within 30 s: ${stderr}`)), 30_000)
    function fail(error: Error): void {
      if (settled) return
      settled = true
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(error)
    }
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('exit', (code) => fail(new Error(`agent exited with ${code} before listening: ${stderr}`)))
    child.stdout!.on('data', (d: Buffer) => {
      const lines = (rest + d.toString()).split('\n')
      rest = lines.pop()!
      for (const line of lines) {
        output.push(line)
        if (settled || !line.includes('agent listening')) continue
        const port = (JSON.parse(line) as { address: Array<{ port: number }> }).address[0]!.port
        settled = true
        clearTimeout(timer)
        resolve({
          child,
          port,
          output,
          async kill(signal = 'SIGKILL') {
            if (child.exitCode !== null || child.signalCode !== null) return
            const exited = new Promise((r) => child.once('exit', r))
            child.kill(signal)
            await exited
          },
          async metric(name, labelFilter = '') {
            const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
            let sum = 0
            for (const l of text.split('\n')) {
              if (l.startsWith(name) && (l[name.length] === ' ' || l[name.length] === '{') && l.includes(labelFilter)) sum += Number(l.slice(l.lastIndexOf(' ') + 1))
            }
            return sum
          },
        })
      }
    })
  })
}
