/**
 * `npm start`: the whole platform on one machine, nothing to install.
 *
 *   node --import tsx deploy/all-in-one/start.ts [--data-dir DIR] [--no-demo] [--no-ui] [--no-agent] [--kafka] …
 *
 * One process (this one) runs collector + ingest + query API + alert evaluator over the embedded ClickHouse and the
 * local log bus (platform.ts); beside it run, as child processes, the agent, the UI (`next start`,
 * after `next build` when the build is missing or stale) and the demo shop with its load
 * generator, whose spans, logs and metrics go through the agent. Flags and variables: config.ts.
 *
 * Start order: config → ports checked → store opened and migrated → default credentials →
 * bus and services listening → agent → demo shop → UI → the banner. A failure at any point stops
 * what was started, prints why, and exits 1.
 * Stop (Ctrl-C, SIGTERM, SIGHUP): the demo, the agent (it ships what it holds), the UI, then the
 * in-process services in order (platform.ts), the store last; exit 0, or 1 if a step failed. A
 * second Ctrl-C forces exit 1. A child that dies on its own stops everything (exit 1): a
 * half-running platform would show misleading data.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ConfigError, onShutdown, type ShutdownStep } from '@periscope/runtime'
import type { Store } from '@periscope/store'
import { agentConfigYaml } from './agent-config.ts'
import { banner } from './banner.ts'
import { startChild, waitForHttp, type Child } from './child-process.ts'
import { loadAllInOneConfig, USAGE, UsageError, type AllInOneConfig } from './config.ts'
import { DEFAULT_TENANT_ID, readCredentialsFile, resolveCredentials, writeCredentialsFile } from './credentials.ts'
import { startKafka, type KafkaLease } from './kafka.ts'
import { openLogStreams } from './log-streams.ts'
import { openPlatformStore, startPlatform } from './platform.ts'
import { assertPortsFree, type PortUse } from './ports.ts'
import { shopLaunch } from './shop.ts'
import { createStoreProvisioner } from './store-provisioner.ts'
import { uiBuildNeeded } from './ui-build.ts'

const REPO_ROOT = resolve(import.meta.dirname, '..', '..')
const UI_DIR = join(REPO_ROOT, 'ui')
const NODE = process.execPath
const DUPLICATE_SIGNAL_MS = 1000

function say(line: string): void {
  process.stdout.write(`${line}\n`)
}

function fail(message: string): never {
  process.stderr.write(`periscope: ${message}\n`)
  process.exit(1)
}

function loadConfigOrExit(): AllInOneConfig {
  try {
    const config = loadAllInOneConfig(process.argv.slice(2))
    if (config.help) {
      say(USAGE)
      process.exit(0)
    }
    return config
  } catch (error) {
    if (error instanceof UsageError) fail(`${error.message}\n${USAGE}`)
    if (error instanceof ConfigError) fail(error.message)
    throw error
  }
}

function portUses(config: AllInOneConfig): PortUse[] {
  const { ports, ui, agent, demo } = config.settings
  const uses: PortUse[] = [
    { name: 'collector (OTLP/HTTP)', port: ports.collector, flag: '--collector-port' },
    { name: 'query API', port: ports.api, flag: '--api-port' },
    { name: 'ingest (health, metrics)', port: ports.ingest, flag: '--ingest-port' },
  ]
  if (ui) uses.push({ name: 'UI', port: ports.ui, flag: '--ui-port' })
  if (agent) uses.push({ name: 'agent (OTLP receiver)', port: ports.agent, flag: '--agent-port' })
  if (demo) {
    ;['frontend', 'checkout', 'payment', 'inventory'].forEach((service, i) => {
      uses.push({ name: `demo ${service}`, port: ports.shopBase + i + 1, flag: '--shop-port-base' })
      uses.push({ name: `demo ${service} /metrics`, port: ports.shopMetricsBase + i + 1, flag: '--shop-metrics-port-base' })
    })
  }
  return uses
}

async function main(): Promise<void> {
  const config = loadConfigOrExit()
  const { settings, dataDir } = config
  const host = settings.host
  const url = (port: number, path = '') => `http://${host.includes(':') ? `[${host}]` : host}:${port}${path}`
  const childEnv = (extra: Record<string, string>): Record<string, string | undefined> => ({ ...config.env, NEXT_TELEMETRY_DISABLED: '1', ...extra })

  try {
    await assertPortsFree(host, portUses(config))
  } catch (error) {
    fail((error as Error).message)
  }
  mkdirSync(dataDir, { recursive: true })
  const logs = openLogStreams(dataDir, settings.logLevel)
  const log = logs.logger('all-in-one')
  say(`periscope: data in ${dataDir}, logs in ${logs.dir}`)

  // Everything started so far, undone in reverse if the start fails half-way.
  const children: Child[] = []
  const cleanups: ShutdownStep[] = []
  let store: Store | undefined
  let kafka: KafkaLease | undefined
  const abort = async (error: unknown): Promise<never> => {
    for (const child of [...children].reverse()) await child.stop()
    for (const step of cleanups.reverse()) {
      try {
        await (typeof step === 'function' ? step() : step.run())
      } catch {
        // undoing a half start: keep undoing the rest
      }
    }
    await store?.close().catch(() => {})
    await kafka?.release().catch(() => {})
    log.error({ err: error }, 'start failed')
    logs.flush()
    fail((error as Error).message)
  }

  try {
    if (config.bus.kind === 'kafka') {
      say('periscope: starting the Kafka broker of deploy/kafka (the first start fetches it with Maven)…')
      kafka = await startKafka(join(REPO_ROOT, 'deploy', 'kafka', 'kafka.sh'), config.env)
    }
    say('periscope: opening the store…')
    const opened = await openPlatformStore(config)
    store = opened.store
    if (opened.applied.length > 0) log.info({ applied: opened.applied }, 'schema migrations applied')

    const credentialsFile = join(dataDir, 'credentials.json')
    const credentials = await resolveCredentials({
      provisioner: createStoreProvisioner(store, DEFAULT_TENANT_ID),
      tenantId: DEFAULT_TENANT_ID,
      env: config.secrets,
      stored: readCredentialsFile(credentialsFile),
      remember: true,
    })
    if (credentials.changed) writeCredentialsFile(credentialsFile, credentials.stored)

    const platform = await startPlatform(config, store, {
      collector: logs.logger('collector'),
      ingest: logs.logger('ingest'),
      queryApi: logs.logger('query-api'),
      evaluator: logs.logger('evaluator'),
      bus: logs.logger('bus'),
    })
    cleanups.push(...platform.stopSteps)
    say(`periscope: collector on ${url(settings.ports.collector)}, query API on ${url(settings.ports.api)}`)

    const shopLogDir = join(dataDir, 'shop-logs')
    mkdirSync(shopLogDir, { recursive: true })
    if (settings.agent) {
      const agentDir = join(dataDir, 'agent')
      mkdirSync(agentDir, { recursive: true })
      const agentFile = join(dataDir, 'agent.yaml')
      writeFileSync(
        agentFile,
        agentConfigYaml({ host, dataDir, agentDir, ports: settings.ports, demo: settings.demo, shopLogDir, scrapeIntervalMs: 10_000 }),
      )
      const agent = startChild({
        name: 'agent',
        command: NODE,
        args: ['--max-semi-space-size=8', '--max-old-space-size=128', '--import', 'tsx', 'agent/src/main.ts', '--config', agentFile],
        cwd: REPO_ROOT,
        env: childEnv({ PERISCOPE_AGENT_COLLECTOR_INGEST_KEY: credentials.ingestKey, PERISCOPE_AGENT_LOG_LEVEL: settings.logLevel }),
        logFile: join(logs.dir, 'agent.log'),
        stopTimeoutMs: 20_000,
      })
      children.push(agent)
      await waitForHttp(url(settings.ports.agent, '/readyz'), { timeoutMs: settings.startTimeoutMs, child: agent })
      say(`periscope: agent on ${url(settings.ports.agent)}`)
    }

    let demo: { frontendUrl: string; loadRatePerSecond: number } | undefined
    if (settings.demo) {
      const launch = shopLaunch({
        host,
        shopBase: settings.ports.shopBase,
        shopMetricsBase: settings.ports.shopMetricsBase,
        agentPort: settings.ports.agent,
        logDir: shopLogDir,
        loadRatePerSecond: settings.demoLoadRatePerSecond,
      })
      const shop = startChild({ name: 'demo shop', command: NODE, args: launch.args, cwd: REPO_ROOT, env: childEnv(launch.env), logFile: join(logs.dir, 'shop.log'), stopTimeoutMs: 15_000 })
      children.push(shop)
      await waitForHttp(`${launch.frontendUrl}/healthz`, { timeoutMs: settings.startTimeoutMs, child: shop })
      demo = { frontendUrl: launch.frontendUrl, loadRatePerSecond: settings.demoLoadRatePerSecond }
      say(`periscope: demo shop on ${launch.frontendUrl}${settings.agent ? '' : ' (no agent: its telemetry goes nowhere)'}`)
    }

    if (settings.ui) {
      const uiLog = join(logs.dir, 'ui.log')
      const next = join(REPO_ROOT, 'node_modules', 'next', 'dist', 'bin', 'next')
      const decision = uiBuildNeeded(UI_DIR)
      if (decision.needed) {
        say(`periscope: building the UI (${decision.reason}; a few minutes the first time)…`)
        const startedMs = Date.now()
        const build = startChild({ name: 'UI build', command: NODE, args: [next, 'build'], cwd: UI_DIR, env: childEnv({ NODE_ENV: 'production' }), logFile: uiLog, stopTimeoutMs: 5000 })
        children.push(build)
        const timer = setTimeout(() => void build.stop(), settings.uiBuildTimeoutMs)
        const exit = await build.exited
        clearTimeout(timer)
        children.splice(children.indexOf(build), 1)
        if (exit.code !== 0) throw new Error(`the UI build failed (code ${exit.code}, signal ${exit.signal}); see ${uiLog}`)
        log.info({ durationMs: Date.now() - startedMs }, 'UI built')
      }
      const ui = startChild({
        name: 'UI',
        command: NODE,
        args: [next, 'start', '--hostname', host, '--port', String(settings.ports.ui)],
        cwd: UI_DIR,
        env: childEnv({ NODE_ENV: 'production', PERISCOPE_QUERY_API_URL: url(settings.ports.api), PERISCOPE_UI_API_TOKEN: credentials.adminToken }),
        logFile: uiLog,
        stopTimeoutMs: 10_000,
      })
      children.push(ui)
      await waitForHttp(url(settings.ports.ui, '/'), { timeoutMs: settings.startTimeoutMs, child: ui })
    }

    // ---- running: stop in order on a signal, or when a child dies -----------------------------
    const stopChild = (child: Child): ShutdownStep => ({ name: `stop ${child.name}`, run: () => child.stop() })
    const order = ['demo shop', 'agent', 'UI']
    const ordered = [...children].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name))
    const openedStore = store
    let stopping = false
    let childDied = false
    const exit = (code: number): void => {
      const final = childDied ? 1 : code
      logs.flush()
      say(final === 0 ? 'periscope: stopped.' : `periscope: stopped with errors; see ${logs.file}`)
      process.exit(final)
    }
    const shutdown = onShutdown(
      { logger: log, timeoutMs: settings.shutdownTimeoutMs, signals: [], exit },
      {
        name: 'begin',
        run: () => {
          stopping = true
          say('periscope: stopping…')
        },
      },
      ...ordered.map(stopChild),
      ...platform.stopSteps,
      { name: 'close the store', run: () => openedStore.close() },
      ...(kafka ? [{ name: 'stop the Kafka broker this start started', run: () => kafka!.release() }] : []),
    )
    // Ctrl-C under `npm start` arrives twice at once: from the terminal (to the whole foreground
    // group) and forwarded by npm. A repeat within DUPLICATE_SIGNAL_MS is that echo; a later one
    // is the operator pressing again, which forces the exit.
    let firstSignalMs = 0
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (firstSignalMs === 0) {
          firstSignalMs = Date.now()
          void shutdown(signal)
        } else if (Date.now() - firstSignalMs > DUPLICATE_SIGNAL_MS) {
          log.warn({ signal }, 'second signal during shutdown; forcing exit')
          logs.flush()
          process.exit(1)
        }
      })
    }
    for (const child of children) {
      void child.exited.then((result) => {
        if (stopping) return
        childDied = true
        log.error({ child: result.name, code: result.code, signal: result.signal, logFile: child.logFile }, 'a child process exited on its own; stopping')
        void shutdown(`${result.name} exited`)
      })
    }
    process.stdout.write(
      banner({
        host,
        ports: settings.ports,
        ui: settings.ui,
        agent: settings.agent,
        demo,
        bus: config.bus.kind === 'kafka' ? `Kafka at ${config.bus.brokers.join(',')}` : `local log in ${join(dataDir, 'bus')}`,
        dataDir,
        logDir: logs.dir,
        credentialsFile,
        credentials,
      }),
    )
    log.info({ ui: settings.ui, agent: settings.agent, demo: settings.demo, bus: config.bus.kind }, 'all-in-one running')
  } catch (error) {
    await abort(error)
  }
}

await main()
