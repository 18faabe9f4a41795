/**
 * Agent throughput: how fast the agent drains a backlog of log lines from a file into a
 * collector, and where a batch's time goes. The agent is the real one (a child process, its
 * deployed V8 flags); the collector is either the real one over a local-log bus (fsync'd group
 * commit; bench/agent/collector-child.ts, its own process) or the agent's fake collector, which
 * decodes every request and answers after `--ack-delay-ms`.
 *
 *   node --import tsx bench/agent/throughput.ts [--collector=real|fake] [--ack-delay-ms=5]
 *     [--lines=100000] [--repeats=3] [--variants='{"1":{"collector":{"maxInFlight":1}}, …}']
 *     [--cpu-prof=<dir>]
 *
 * Each variant is an agent config overlay (default: maxInFlight 1 vs the default); every variant
 * runs its own agent, tailing its own file, and the repeats are interleaved (variant A, B, A, B…)
 * so machine noise hits all of them alike. Per repeat: `--lines` JSON lines (~200 bytes) are
 * appended at once and timed until the collector has accepted them all. Reported per variant:
 * the median lines/s, agent CPU per line, collector CPU per line, and the sink's wall time per
 * request by phase (read, compress, request, commit) from the agent's /metrics.
 * `--cpu-prof=<dir>` writes each agent's V8 CPU profile there on exit (not for the figures).
 * Bounded: each repeat waits at most 60 s.
 */
import { fork } from 'node:child_process'
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { AGENT_NODE_ARGS, startAgentProcess, startFakeCollector, writeTestAgentConfig, type AgentProcess } from '@periscope/agent/testing'
import { median, processCpuMs, report, type BenchRow } from '../lib/measure.ts'
import { jsonLogLine } from '../lib/log-line.ts'
import { benchFileTailSource } from '../lib/file-tail-source.ts'

const arg = (name: string, fallback: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback
const collectorKind = arg('collector', 'real')
const ackDelayMs = Number(arg('ack-delay-ms', '5'))
const LINES = Number(arg('lines', '100000'))
const REPEATS = Number(arg('repeats', '3'))
const variants = JSON.parse(arg('variants', '{"in flight 1":{"collector":{"maxInFlight":1}},"default":{}}')) as Record<string, Record<string, unknown>>
const cpuProfDir = process.argv.some((a) => a.startsWith('--cpu-prof=')) ? resolve(arg('cpu-prof', '')) : null
const REPEAT_TIMEOUT_MS = 60_000
// wait_data is left out: an agent idle while another variant runs would count that wait in its next repeat
const PHASES = ['read', 'compress', 'request', 'commit', 'wait_window'] as const


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Collector {
  url: string
  key: string
  pid: number
  accepted(): Promise<number>
  close(): Promise<void>
}

async function startCollector(dir: string): Promise<Collector> {
  if (collectorKind === 'fake') {
    const fake = await startFakeCollector()
    fake.countOnly = true
    fake.ackDelayMs = ackDelayMs
    return { url: fake.url, key: 'test-key', pid: process.pid, accepted: async () => fake.logRecordCount, close: () => fake.close() }
  }
  const child = fork(join(import.meta.dirname, 'collector-child.ts'), [dir], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, TZ: 'UTC' } })
  const ready = await new Promise<{ port: number; key: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the collector did not start within 60 s')), 60_000)
    child.once('exit', (code) => reject(new Error(`the collector exited with ${code}`)))
    child.once('message', (m) => (clearTimeout(timer), resolve(m as { port: number; key: string })))
  })
  const url = `http://127.0.0.1:${ready.port}`
  return {
    url,
    key: ready.key,
    pid: child.pid!,
    async accepted() {
      const text = await (await fetch(`${url}/metrics`)).text()
      const line = text.split('\n').find((l) => l.startsWith('periscope_collector_accepted_items_total{') && l.includes('signal="logs"'))
      return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0
    },
    async close() {
      const exited = new Promise((r) => child.once('exit', r))
      child.send('stop')
      await exited
    },
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bench-agent-throughput-'))
const collector = await startCollector(dir)
interface Runner {
  name: string
  agent: AgentProcess
  logPath: string
  rates: number[]
  agentCpuUs: number[]
  collectorCpuUs: number[]
  /** sink phase seconds and requests summed over the timed repeats only */
  phaseSeconds: Record<string, number>
  requests: number
}
const runners: Runner[] = []
let written = 0
const rows: BenchRow[] = []

async function sinkPhases(agent: AgentProcess): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const phase of PHASES) out[phase] = await agent.metric('periscope_agent_sink_phase_seconds_total', `phase="${phase}"`)
  return out
}

try {
  for (const [name, overlay] of Object.entries(variants)) {
    const logDir = join(dir, `logs-${runners.length}`)
    mkdirSync(logDir)
    const logPath = join(logDir, 'app.log')
    writeFileSync(logPath, '')
    const configPath = writeTestAgentConfig(join(dir, `agent-${runners.length}`), collector.url, {
      logLevel: 'info',
      collector: { ingestKey: collector.key, ...((overlay['collector'] as object | undefined) ?? {}) },
      buffer: { maxBytes: 512 * 1024 * 1024, segmentBytes: 16 * 1024 * 1024 },
      // production polling and batching (as bench/e2e's logs scenario); only the path differs
      sources: {
        otlpHttp: { enabled: false },
        fileTail: benchFileTailSource(logDir, (overlay['batch'] as object | undefined) ?? {}),
      },
    })
    const nodeArgs = cpuProfDir ? [...AGENT_NODE_ARGS, '--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : AGENT_NODE_ARGS
    runners.push({ name, agent: await startAgentProcess(configPath, {}, nodeArgs), logPath, rates: [], agentCpuUs: [], collectorCpuUs: [], phaseSeconds: Object.fromEntries(PHASES.map((p) => [p, 0])), requests: 0 })
  }
  await sleep(1000)
  for (let r = 0; r < REPEATS; r++) {
    for (const runner of runners) {
      const chunk: string[] = []
      for (let i = 0; i < LINES; i++) chunk.push(jsonLogLine(written + i))
      const text = chunk.join('')
      const target = (await collector.accepted()) + LINES
      written += LINES
      const pid = runner.agent.child.pid!
      const phases0 = await sinkPhases(runner.agent)
      const requests0 = await runner.agent.metric('periscope_agent_sink_requests_total')
      const agentCpu0 = processCpuMs(pid)
      const collectorCpu0 = processCpuMs(collector.pid)
      const t0 = performance.now()
      appendFileSync(runner.logPath, text)
      const deadline = t0 + REPEAT_TIMEOUT_MS
      let accepted = 0
      while ((accepted = await collector.accepted()) < target && performance.now() < deadline) await sleep(20)
      const wallMs = performance.now() - t0
      if (accepted < target) throw new Error(`${runner.name}: ${target - accepted} of ${LINES} lines not accepted within ${REPEAT_TIMEOUT_MS} ms`)
      runner.rates.push((LINES * 1000) / wallMs)
      const phases1 = await sinkPhases(runner.agent)
      for (const phase of PHASES) runner.phaseSeconds[phase]! += phases1[phase]! - phases0[phase]!
      runner.requests += (await runner.agent.metric('periscope_agent_sink_requests_total')) - requests0
      runner.agentCpuUs.push(((processCpuMs(pid) - agentCpu0) * 1000) / LINES)
      runner.collectorCpuUs.push(((processCpuMs(collector.pid) - collectorCpu0) * 1000) / LINES)
      console.log(`${runner.name} repeat ${r + 1}: ${Math.round(runner.rates.at(-1)!)} lines/s, agent ${runner.agentCpuUs.at(-1)!.toFixed(1)} µs CPU/line, collector ${runner.collectorCpuUs.at(-1)!.toFixed(1)} µs CPU/line`)
    }
  }
  for (const runner of runners) {
    const scenario = `backlog → ${collectorKind === 'fake' ? `fake collector (ack after ${ackDelayMs} ms)` : 'collector (local log)'}, ${runner.name}`
    rows.push({ scenario, metric: 'lines/s', value: median(runner.rates), unit: 'lines/s' })
    rows.push({ scenario, metric: 'agent CPU per line', value: median(runner.agentCpuUs), unit: 'µs' })
    rows.push({ scenario, metric: 'collector CPU per line', value: median(runner.collectorCpuUs), unit: 'µs' })
    rows.push({ scenario, metric: 'requests', value: runner.requests, unit: 'requests' })
    for (const phase of PHASES) rows.push({ scenario, metric: `sink ${phase} per request`, value: (runner.phaseSeconds[phase]! * 1000) / Math.max(1, runner.requests), unit: 'ms' })
  }
  if (runners.length > 1) {
    const base = median(runners[0]!.rates)
    for (const runner of runners.slice(1)) rows.push({ scenario: `backlog, ${runner.name} vs ${runners[0]!.name}`, metric: 'lines/s ratio', value: median(runner.rates) / base, unit: 'x' })
  }
} finally {
  for (const runner of runners) await runner.agent.kill('SIGTERM')
  await collector.close()
  rmSync(dir, { recursive: true, force: true })
}
report('agent-throughput', rows)
