/**
 * The running stack the e2e specs drive, started as child processes on free loopback ports:
 *
 *   1. seed      node ui/e2e/seed.ts — a fresh embedded store (temp dir) with the seed rows
 *   2. query API node query-api/src/main.ts over that store
 *   3. alerting  an SLO, a webhook channel (to a loopback receiver) and a burn-rate rule, created
 *                through the query API's routes (alerting-seed.ts)
 *   4. UI        `next build` (cached: skipped when ui/.next was built from the same sources)
 *                then `next start`, pointed at the query API with the seeded token
 *   5. on demand  startUi(token): another `next start` with another tenant's token — the hostile
 *                tenant of the XSS specs (xss-seed-data.ts, seeded in step 1 with `xssToken`)
 *
 * Until the all-in-one launcher (deploy/all-in-one) lands, step 1 stands in for the demo shop;
 * the data is in seed-data.ts. Every wait is bounded; stop() kills what was started and
 * removes the temp dir.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadE2eConfig, type E2eConfig } from './config.ts'
import { seedAlerting, startWebhookReceiver, type AlertingSeed, type WebhookReceiver } from './alerting-seed.ts'

export const UI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const REPO_DIR = resolve(UI_DIR, '..')
const NEXT_BIN = join(REPO_DIR, 'node_modules', 'next', 'dist', 'bin', 'next')
const BUILD_STAMP = join(UI_DIR, '.next', 'e2e-source-hash')

export interface Stack {
  uiUrl: string
  apiUrl: string
  token: string
  /** query token of the hostile tenant (xss-seed-data.ts) */
  xssToken: string
  alerting: AlertingSeed
  receiver: WebhookReceiver
  /** what the harness measured, ms */
  timings: { seedMs: number; buildMs: number | null; startMs: number }
  /** one more UI server on a free port, acting with `token`; stopped by stop(). Returns its URL. */
  startUi(token: string): Promise<string>
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))))
    })
  })
}

function filesUnder(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...filesUnder(path))
    else if (!name.endsWith('.test.ts')) out.push(path)
  }
  return out.sort()
}

/** Hash of everything `next build` reads from us: sources, configs and the installed next. */
export function sourceHash(): string {
  const hash = createHash('sha256')
  const files = [...filesUnder(join(UI_DIR, 'src')), join(UI_DIR, 'next.config.ts'), join(UI_DIR, 'tsconfig.json'), join(UI_DIR, 'package.json'), join(REPO_DIR, 'node_modules', 'next', 'package.json')]
  for (const file of files) hash.update(file.slice(UI_DIR.length)).update('\0').update(readFileSync(file)).update('\0')
  return hash.digest('hex')
}

/** `next build` unless ui/.next holds a build of the same sources. Returns its wall time, or null when cached. */
export function buildUi(config: E2eConfig): number | null {
  const hash = sourceHash()
  if (!config.forceRebuild && existsSync(join(UI_DIR, '.next', 'BUILD_ID')) && existsSync(BUILD_STAMP) && readFileSync(BUILD_STAMP, 'utf8') === hash) return null
  const started = Date.now()
  const result = spawnSync(process.execPath, [NEXT_BIN, 'build'], { cwd: UI_DIR, env: processEnv({ ...config.baseEnv, NODE_ENV: 'production' }), encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 })
  if (result.status !== 0) throw new Error(`next build failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`)
  writeFileSync(BUILD_STAMP, hash)
  return Date.now() - started
}

/** Next's types make NODE_ENV a required key of process environments; ours set it where needed. */
function processEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return env as NodeJS.ProcessEnv
}

interface Child {
  process: ChildProcess
  output: () => string
}

function start(name: string, args: string[], options: { cwd: string; env: Record<string, string> }): Child {
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: processEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] })
  // keep the last 64 KiB of output for failure messages
  let log = ''
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-65_536)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  return { process: child, output: () => `--- ${name} output ---\n${log}` }
}

async function waitFor(url: string, child: Child, what: string, timeoutMs: number, accept: (status: number) => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`${what} exited with ${child.process.exitCode}\n${child.output()}`)
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) })
      if (accept(response.status)) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${what} not ready at ${url} within ${timeoutMs} ms\n${child.output()}`)
}

async function kill(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return
  const exited = new Promise<void>((r) => child.process.once('exit', () => r()))
  child.process.kill('SIGTERM')
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

export async function startStack(options: { nowMs?: number } = {}): Promise<Stack> {
  const config = loadE2eConfig()
  const dir = mkdtempSync(join(tmpdir(), 'periscope-ui-e2e-'))
  const token = `e2e-token-${createHash('sha256').update(dir).digest('hex').slice(0, 24)}`
  const xssToken = `e2e-xss-token-${createHash('sha256').update(`xss:${dir}`).digest('hex').slice(0, 24)}`
  const children: Child[] = []
  let receiver: WebhookReceiver | undefined
  const stop = async () => {
    for (const child of children.reverse()) await kill(child)
    await receiver?.close()
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const t0 = Date.now()
    const seed = spawnSync(process.execPath, ['--import', 'tsx', join(UI_DIR, 'e2e', 'seed.ts'), join(dir, 'db'), token, String(options.nowMs ?? Date.now()), xssToken], {
      cwd: REPO_DIR,
      env: processEnv(config.baseEnv),
      encoding: 'utf8',
      timeout: 180_000,
    })
    if (seed.status !== 0) throw new Error(`seeding failed (${seed.status ?? seed.signal}):\n${seed.stdout}\n${seed.stderr}`)
    const seedMs = Date.now() - t0

    const buildMs = buildUi(config)

    const t1 = Date.now()
    const apiPort = await freePort()
    const api = start('query-api', ['--import', 'tsx', join(REPO_DIR, 'query-api', 'src', 'main.ts')], {
      cwd: REPO_DIR,
      env: {
        ...config.baseEnv,
        PERISCOPE_QUERY_API_STORE_MODE: 'embedded',
        PERISCOPE_QUERY_API_STORE_PATH: join(dir, 'db'),
        PERISCOPE_QUERY_API_HTTP_HOST: '127.0.0.1',
        PERISCOPE_QUERY_API_HTTP_PORT: String(apiPort),
        PERISCOPE_QUERY_API_LOG_LEVEL: 'warn',
        // the seeded channel's receiver is on loopback
        PERISCOPE_QUERY_API_ALERTING_SSRF_ALLOW: '127.0.0.1',
      },
    })
    children.push(api)
    const apiUrl = `http://127.0.0.1:${apiPort}`
    receiver = await startWebhookReceiver()
    const launchUi = async (uiToken: string) => {
      const uiPort = await freePort()
      const ui = start('next start', [NEXT_BIN, 'start', '-p', String(uiPort), '-H', '127.0.0.1'], {
        cwd: UI_DIR,
        env: { ...config.baseEnv, NODE_ENV: 'production', PERISCOPE_QUERY_API_URL: apiUrl, PERISCOPE_UI_API_TOKEN: uiToken },
      })
      children.push(ui)
      return { ui, url: `http://127.0.0.1:${uiPort}` }
    }
    const ui = await launchUi(token)
    await waitFor(`${apiUrl}/readyz`, api, 'query API', 60_000, (s) => s === 200)
    const alerting = await seedAlerting(apiUrl, token, receiver.url)
    await waitFor(`${ui.url}/api/v1/services`, ui.ui, 'UI', 60_000, (s) => s === 200)
    const startUi = async (uiToken: string) => {
      const more = await launchUi(uiToken)
      await waitFor(`${more.url}/api/v1/services`, more.ui, 'UI', 60_000, (s) => s === 200)
      return more.url
    }
    return { uiUrl: ui.url, apiUrl, token, xssToken, alerting, receiver, timings: { seedMs, buildMs, startMs: Date.now() - t1 }, startUi, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
