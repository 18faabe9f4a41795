/**
 * Smoke test of `npm start`: the launcher (deploy/all-in-one/start.ts, what the root "start"
 * script runs) as a child process in a temp data directory on free ports. It must come up, the
 * demo shop's spans, logs (with trace ids) and metrics must arrive through the agent, the host's
 * and the platform's own metrics too, Ctrl-C (SIGINT) must stop everything with exit code 0, and a
 * second start on the same directory must find the data and the credentials again.
 *
 * The UI is left out here (--no-ui): its first `next build` takes minutes on two cores; the
 * launcher's UI path (build decision, next start, the admin token handed to the proxy) is covered
 * by the UI's own end-to-end run and by deploy/all-in-one unit tests.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '..', '..')
const SHOP_SERVICES = ['frontend', 'checkout', 'payment', 'inventory']
const dataDir = mkdtempSync(join(tmpdir(), 'periscope-npm-start-'))
const running: ChildProcess[] = []

afterAll(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer()
    server.once('error', () => done(false))
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => done(true)))
  })
}

/**
 * Where fixed ports are picked: below the kernel's ephemeral range, which the outgoing connections
 * of every test running meanwhile draw from — a port found free there could be taken by one before
 * the platform listens on it (a demo service once failed with EADDRINUSE that way).
 */
const FIXED_PORTS = { from: 10_000, to: ephemeralPortsFrom() - 10 }

function ephemeralPortsFrom(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32_768
  } catch {
    return 32_768 // Linux's default
  }
}

/** A base such that base+1..base+count are free (the shop needs consecutive ports). */
async function freeRange(count: number, taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = FIXED_PORTS.from + Math.floor(Math.random() * (FIXED_PORTS.to - FIXED_PORTS.from - count))
    const ports = Array.from({ length: count }, (_, i) => base + i + 1)
    if (ports.some((p) => taken.has(p))) continue
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) {
      for (const p of ports) taken.add(p)
      return base
    }
  }
  throw new Error('no free port range found')
}

interface Launch {
  child: ChildProcess
  output: () => string
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>
  signalledAt: { ms: number }
}

function launch(args: string[]): Launch {
  // the launcher's own settings come from flags only: drop any PERISCOPE_* of the developer's shell
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PERISCOPE_')))
  const child = spawn(process.execPath, ['--import', 'tsx', 'deploy/all-in-one/start.ts', '--data-dir', dataDir, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  running.push(child)
  let text = ''
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
  const signalledAt = { ms: 0 }
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal, afterMs: Date.now() - signalledAt.ms })),
  )
  return { child, output: () => text, exit, signalledAt }
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, launched?: Launch): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    if (launched && launched.child.exitCode !== null) throw new Error(`the launcher exited (${launched.child.exitCode}) while waiting for ${what}:\n${launched.output()}`)
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (error) {
      last = error
    }
    await new Promise((r) => setTimeout(r, 1000))
  }
  throw new Error(`${what} not within ${timeoutMs} ms (last error: ${String(last)})${launched ? `\n${launched.output()}` : ''}`)
}

async function stop(launched: Launch): Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }> {
  launched.signalledAt.ms = Date.now()
  launched.child.kill('SIGINT')
  return Promise.race([launched.exit, new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`no exit within 60 s of SIGINT:\n${launched.output()}`)), 60_000))])
}

describe('npm start', () => {
  const taken = new Set<number>()
  const ports: Record<string, number> = {}
  let admin = ''
  let api = ''

  it('starts the platform, the agent and the demo, and the demo telemetry arrives through the agent', async () => {
    for (const name of ['collector', 'api', 'ingest', 'agent']) ports[name] = (await freeRange(1, taken)) + 1
    ports['shop'] = await freeRange(4, taken)
    ports['shopMetrics'] = await freeRange(4, taken)
    api = `http://127.0.0.1:${ports['api']}/api/v1`
    const first = launch([
      '--no-ui',
      ...['collector', 'api', 'ingest', 'agent'].flatMap((name) => [`--${name}-port`, String(ports[name])]),
      '--shop-port-base',
      String(ports['shop']),
      '--shop-metrics-port-base',
      String(ports['shopMetrics']),
    ])
    await waitFor('the banner', 120_000, async () => (first.output().includes('Periscope is running.') ? true : undefined), first)
    const readyz = await fetch(`http://127.0.0.1:${ports['api']}/readyz`)
    expect(readyz.status).toBe(200)

    // credentials: stored once, owner-only, printed in full on this first start
    const credentialsFile = join(dataDir, 'credentials.json')
    expect(statSync(credentialsFile).mode & 0o777).toBe(0o600)
    const credentials = JSON.parse(readFileSync(credentialsFile, 'utf8')) as { ingestKey: string; adminToken: string }
    admin = credentials.adminToken
    expect(first.output()).toContain(credentials.ingestKey)
    expect(first.output()).toContain(credentials.adminToken)
    const get = async <T>(path: string): Promise<T> => {
      const response = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${admin}` } })
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`)
      return (await response.json()) as T
    }
    const from = Date.now() - 3600_000

    // spans of all four shop services (the shop exports to the agent's OTLP receiver)
    await waitFor('spans of the four shop services', 120_000, async () => {
      const { services } = await get<{ services: { name: string; requests: number }[] }>(`/services?from=${from}`)
      const seen = services.filter((s) => s.requests > 0).map((s) => s.name)
      return SHOP_SERVICES.every((s) => seen.includes(s)) ? true : undefined
    }, first)

    // logs tailed from the shop's files, carrying the trace ids of those spans
    await waitFor('logs of a shop trace', 60_000, async () => {
      const { traces } = await get<{ traces: { traceId: string }[] }>(`/traces?service=frontend&from=${from}&limit=20`)
      for (const trace of traces) {
        const { logs } = await get<{ logs: { traceId: string; body: string }[] }>(`/logs?traceId=${trace.traceId}&from=${from}`)
        if (logs.length > 0 && logs.every((l) => l.traceId === trace.traceId)) return true
      }
      return undefined
    }, first)

    // metrics: a shop histogram (scraped), a host metric, and the platform's own metrics
    await waitFor('shop, host and self metrics', 60_000, async () => {
      const { metrics } = await get<{ metrics: { name: string }[] }>(`/metrics/names?from=${from}`)
      const names = new Set(metrics.map((m) => m.name))
      return names.has('http_server_request_duration_seconds') && names.has('system.cpu.utilization') && names.has('periscope_collector_received_items_total') ? true : undefined
    }, first)

    const exit = await stop(first)
    expect(exit.code, first.output()).toBe(0)
    expect(exit.afterMs).toBeLessThan(60_000)
    expect(first.output()).toContain('periscope: stopped.')
    // nothing the launcher started is left holding a port
    for (const port of [ports['agent']!, ports['shop']! + 1, ports['shopMetrics']! + 1, ports['collector']!]) expect(await portFree(port), `port ${port}`).toBe(true)
  }, 420_000)

  it('keeps the data and the credentials across a restart, without printing the secrets again', async () => {
    expect(admin, 'the first start ran').not.toBe('')
    const second = launch(['--no-ui', '--no-demo', '--no-agent', '--collector-port', String(ports['collector']), '--api-port', String(ports['api']), '--ingest-port', String(ports['ingest'])])
    await waitFor('the banner', 120_000, async () => (second.output().includes('Periscope is running.') ? true : undefined), second)
    const response = await fetch(`${api}/services?from=${Date.now() - 3600_000}`, { headers: { authorization: `Bearer ${admin}` } })
    expect(response.status).toBe(200)
    const { services } = (await response.json()) as { services: { name: string }[] }
    expect(services.map((s) => s.name)).toEqual(expect.arrayContaining(SHOP_SERVICES))
    expect(second.output()).not.toContain(admin)
    expect(second.output()).toContain(admin.slice(0, 21))
    const exit = await stop(second)
    expect(exit.code, second.output()).toBe(0)
  }, 240_000)

  it('refuses to start when a port is taken, naming the flag that moves it', async () => {
    const holder = createServer()
    const port = await new Promise<number>((done) => holder.listen({ host: '127.0.0.1', port: 0 }, () => done((holder.address() as { port: number }).port)))
    try {
      const blocked = launch(['--no-ui', '--no-demo', '--no-agent', '--api-port', String(port), '--collector-port', String(ports['collector']), '--ingest-port', String(ports['ingest'])])
      const exit = await Promise.race([blocked.exit, new Promise<never>((_, fail) => setTimeout(() => fail(new Error(blocked.output())), 60_000))])
      expect(exit.code).toBe(1)
      expect(blocked.output()).toContain(`127.0.0.1:${port} (query API) is already in use`)
      expect(blocked.output()).toContain('--api-port')
    } finally {
      holder.close()
    }
  }, 90_000)
})
