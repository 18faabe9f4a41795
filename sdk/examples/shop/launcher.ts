/**
 * Starts the four shop services as child processes, each as
 * `node --import tsx --import <sdk register> <service>.ts`, so every service is instrumented the
 * way the SDK documents for ESM. Each service logs JSON to `<logDir>/<service>.log` (for the agent
 * to tail), serves /metrics on its own port, and exports traces to `endpoint`.
 *
 * Process handling: stop() sends SIGTERM to every child and SIGKILL to any still alive after
 * `stopTimeoutMs`; a child that exits on its own is reported through `exited`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SERVICES, type ServiceName } from './config.ts'

export interface ShopOptions {
  /** OTLP/HTTP base URL the services export to. */
  endpoint: string
  logDir: string
  host?: string
  ports?: Partial<Record<ServiceName, number>>
  /** /metrics port of each service; default 7101…7104. */
  metricsPorts?: Partial<Record<ServiceName, number>>
  paymentErrorRate?: number
  paymentLatencyMs?: number
  inventorySlowRate?: number
  inventorySlowMs?: number
  inventoryLatencyMs?: number
  /** Base environment of the children (default empty: they get only what the shop sets). */
  env?: Record<string, string | undefined>
  /** More environment for every child, e.g. OTEL_BSP_SCHEDULE_DELAY in tests. */
  extraEnv?: Record<string, string>
  /** Where the children's stdout/stderr go: each line prefixed with the service name. */
  output?: (service: ServiceName, line: string) => void
  startTimeoutMs?: number
  stopTimeoutMs?: number
}

export interface Shop {
  host: string
  ports: Record<ServiceName, number>
  metricsPorts: Record<ServiceName, number>
  logFiles: Record<ServiceName, string>
  /** The frontend's base URL. */
  url: string
  /** Resolves when any child exits while the shop is not being stopped. */
  exited: Promise<{ service: ServiceName; code: number | null; signal: NodeJS.Signals | null }>
  stop(): Promise<void>
}

const DEFAULT_PORTS: Record<ServiceName, number> = { frontend: 7001, checkout: 7002, payment: 7003, inventory: 7004 }
const DEFAULT_METRICS_PORTS: Record<ServiceName, number> = { frontend: 7101, checkout: 7102, payment: 7103, inventory: 7104 }

const registerUrl = new URL('../../src/register.ts', import.meta.url).href
const tsxUrl = import.meta.resolve('tsx')

export async function startShop(options: ShopOptions): Promise<Shop> {
  const host = options.host ?? '127.0.0.1'
  const ports = { ...DEFAULT_PORTS, ...options.ports }
  const metricsPorts = { ...DEFAULT_METRICS_PORTS, ...options.metricsPorts }
  mkdirSync(options.logDir, { recursive: true })
  const logFiles = Object.fromEntries(SERVICES.map((s) => [s, join(options.logDir, `${s}.log`)])) as Record<ServiceName, string>
  const base = options.env ?? {}
  const shared: Record<string, string | undefined> = {
    ...base,
    SHOP_HOST: host,
    SHOP_FRONTEND_PORT: String(ports.frontend),
    SHOP_CHECKOUT_PORT: String(ports.checkout),
    SHOP_PAYMENT_PORT: String(ports.payment),
    SHOP_INVENTORY_PORT: String(ports.inventory),
    OTEL_EXPORTER_OTLP_ENDPOINT: options.endpoint,
    PERISCOPE_LOG_STDOUT: 'false',
    PERISCOPE_METRICS_HOST: host,
    PERISCOPE_SERVICE_VERSION: '1.0.0',
    PERISCOPE_ENVIRONMENT: 'demo',
  }
  const optional: Array<[string, number | undefined]> = [
    ['SHOP_PAYMENT_ERROR_RATE', options.paymentErrorRate],
    ['SHOP_PAYMENT_LATENCY_MS', options.paymentLatencyMs],
    ['SHOP_INVENTORY_SLOW_RATE', options.inventorySlowRate],
    ['SHOP_INVENTORY_SLOW_MS', options.inventorySlowMs],
    ['SHOP_INVENTORY_LATENCY_MS', options.inventoryLatencyMs],
  ]
  for (const [name, value] of optional) if (value !== undefined) shared[name] = String(value)

  let stopping = false
  const children = new Map<ServiceName, ChildProcess>()
  let reportExit: (e: { service: ServiceName; code: number | null; signal: NodeJS.Signals | null }) => void = () => {}
  const exited = new Promise<{ service: ServiceName; code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    reportExit = resolve
  })

  for (const service of SERVICES) {
    const child = spawn(process.execPath, ['--import', tsxUrl, '--import', registerUrl, fileURLToPath(new URL(`./${service}.ts`, import.meta.url))], {
      env: {
        ...shared,
        ...options.extraEnv,
        OTEL_SERVICE_NAME: service,
        PERISCOPE_LOG_FILE: logFiles[service],
        PERISCOPE_METRICS_PORT: String(metricsPorts[service]),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.set(service, child)
    for (const stream of [child.stdout, child.stderr]) {
      let partial = ''
      stream?.setEncoding('utf8')
      stream?.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n')
        partial = lines.pop() ?? ''
        for (const line of lines) if (line.length > 0) options.output?.(service, line)
      })
    }
    child.once('exit', (code, signal) => {
      children.delete(service)
      if (!stopping) reportExit({ service, code, signal })
    })
  }

  const stop = async (): Promise<void> => {
    stopping = true
    await Promise.all(
      [...children.entries()].map(
        ([, child]) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve()
            const kill = setTimeout(() => child.kill('SIGKILL'), options.stopTimeoutMs ?? 5000)
            child.once('exit', () => {
              clearTimeout(kill)
              resolve()
            })
            child.kill('SIGTERM')
          }),
      ),
    )
  }

  try {
    await Promise.race([
      waitHealthy(host, ports, options.startTimeoutMs ?? 30_000),
      exited.then((e) => {
        throw new Error(`shop service ${e.service} exited during start-up (code ${e.code}, signal ${e.signal})`)
      }),
    ])
  } catch (err) {
    await stop()
    throw err
  }
  return { host, ports, metricsPorts, logFiles, url: `http://${host}:${ports.frontend}`, exited, stop }
}

async function waitHealthy(host: string, ports: Record<ServiceName, number>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (const service of SERVICES) {
    for (;;) {
      try {
        const res = await fetch(`http://${host}:${ports[service]}/healthz`, { signal: AbortSignal.timeout(1000) })
        if (res.ok) break
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`shop service ${service} not healthy within ${timeoutMs} ms`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}
