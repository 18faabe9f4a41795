/**
 * Where a logged line's time goes end to end: the `logs` scenario of bench/e2e (a backlog of
 * JSON lines appended to a file → the agent → collector → local-log bus → ingest → ClickHouse
 * rows), timed per stage: when the agent has every line acknowledged by the collector (its sink's
 * sent counter) and when every row has landed (ingest's acknowledged inserts). The pipeline is
 * bench/e2e's (bench/e2e/harness.ts, one child process: collector + ingest + embedded ClickHouse).
 *
 *   node --import tsx bench/agent/logs-stages.ts [--lines=100000] [--repeats=3]
 *     [--variants='{"in flight 1":{"collector":{"maxInFlight":1}},"default":{}}'] [--cpu-prof=<dir>]
 *
 * Variants are agent config overlays, each its own agent (and file), repeats interleaved. Reported
 * per variant: lines/s to the collector, lines/s to rows, agent and pipeline CPU per line.
 * `--cpu-prof=<dir>`: V8 CPU profiles of the pipeline and the agents, written there on exit (read
 * them with bench/e2e/profile-summary.ts; profiling slows both, so not for the figures).
 * Bounded: each repeat waits at most 90 s.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { AGENT_NODE_ARGS, startAgentProcess, writeTestAgentConfig, type AgentProcess } from '@periscope/agent/testing'
import { median, processCpuMs, report, type BenchRow } from '../lib/measure.ts'
import { startPipeline } from '../e2e/harness.ts'
import { jsonLogLine } from '../lib/log-line.ts'
import { benchFileTailSource } from '../lib/file-tail-source.ts'

const arg = (name: string, fallback: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback
const LINES = Number(arg('lines', '100000'))
const REPEATS = Number(arg('repeats', '3'))
const variants = JSON.parse(arg('variants', '{"in flight 1":{"collector":{"maxInFlight":1}},"default":{}}')) as Record<string, Record<string, unknown>>
const cpuProf = process.argv.some((a) => a.startsWith('--cpu-prof=')) ? ['--cpu-prof', `--cpu-prof-dir=${resolve(arg('cpu-prof', ''))}`] : []
const REPEAT_TIMEOUT_MS = 90_000


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Runner {
  name: string
  agent: AgentProcess
  logPath: string
  sentBase: number
  toCollector: number[]
  toRows: number[]
  agentCpuUs: number[]
  pipelineCpuUs: number[]
}

const pipeline = await startPipeline('local', cpuProf)
const runners: Runner[] = []
const rows: BenchRow[] = []
let written = 0
try {
  for (const [name, overlay] of Object.entries(variants)) {
    const logDir = join(pipeline.dir, `logs-${runners.length}`)
    mkdirSync(logDir)
    const logPath = join(logDir, 'app.log')
    writeFileSync(logPath, '')
    const configPath = writeTestAgentConfig(join(pipeline.dir, `agent-${runners.length}`), `http://127.0.0.1:${pipeline.port}`, {
      logLevel: 'info',
      collector: { ingestKey: pipeline.key, ...((overlay['collector'] as object | undefined) ?? {}) },
      buffer: { maxBytes: 512 * 1024 * 1024, segmentBytes: 16 * 1024 * 1024 },
      // as bench/e2e's logs scenario: production polling and batching; only the path differs
      sources: {
        fileTail: benchFileTailSource(logDir, (overlay['batch'] as object | undefined) ?? {}),
      },
    })
    runners.push({ name, agent: await startAgentProcess(configPath, {}, [...AGENT_NODE_ARGS, ...cpuProf]), logPath, sentBase: 0, toCollector: [], toRows: [], agentCpuUs: [], pipelineCpuUs: [] })
  }
  const sent = (runner: Runner) => runner.agent.metric('periscope_agent_component_sent_items_total', 'component="sink_otlp_http"')
  for (let r = 0; r < REPEATS; r++) {
    for (const runner of runners) {
      const text = Array.from({ length: LINES }, (_, i) => jsonLogLine(written + i)).join('')
      written += LINES
      const sent0 = await sent(runner)
      const agentCpu0 = processCpuMs(runner.agent.child.pid!)
      const pipelineCpu0 = processCpuMs(pipeline.child.pid!)
      const t0 = performance.now()
      appendFileSync(runner.logPath, text)
      const deadline = t0 + REPEAT_TIMEOUT_MS
      let sentAtMs = 0
      let landedAtMs = 0
      while ((!sentAtMs || !landedAtMs) && performance.now() < deadline) {
        if (!sentAtMs && (await sent(runner)) - sent0 >= LINES) sentAtMs = performance.now()
        if (!landedAtMs && (await pipeline.call<number>('landed', { table: 'otel_logs' })) >= written) landedAtMs = performance.now()
        await sleep(20)
      }
      if (!sentAtMs || !landedAtMs) throw new Error(`${runner.name}: not every line ${sentAtMs ? 'landed' : 'reached the collector'} within ${REPEAT_TIMEOUT_MS} ms`)
      runner.toCollector.push((LINES * 1000) / (sentAtMs - t0))
      runner.toRows.push((LINES * 1000) / (landedAtMs - t0))
      runner.agentCpuUs.push(((processCpuMs(runner.agent.child.pid!) - agentCpu0) * 1000) / LINES)
      runner.pipelineCpuUs.push(((processCpuMs(pipeline.child.pid!) - pipelineCpu0) * 1000) / LINES)
      console.log(
        `${runner.name} repeat ${r + 1}: to the collector ${Math.round(runner.toCollector.at(-1)!)} lines/s, to rows ${Math.round(runner.toRows.at(-1)!)} lines/s; ` +
          `CPU per line: agent ${runner.agentCpuUs.at(-1)!.toFixed(1)} µs, pipeline ${runner.pipelineCpuUs.at(-1)!.toFixed(1)} µs`,
      )
    }
  }
  for (const runner of runners) {
    const scenario = `logs backlog → rows, ${runner.name}`
    rows.push({ scenario, metric: 'lines/s acknowledged by the collector', value: median(runner.toCollector), unit: 'lines/s' })
    rows.push({ scenario, metric: 'lines/s landed as rows', value: median(runner.toRows), unit: 'lines/s' })
    rows.push({ scenario, metric: 'agent CPU per line', value: median(runner.agentCpuUs), unit: 'µs' })
    rows.push({ scenario, metric: 'pipeline CPU per line', value: median(runner.pipelineCpuUs), unit: 'µs' })
  }
} finally {
  for (const runner of runners) await runner.agent.kill('SIGTERM')
  await pipeline.stop()
}
report('agent-logs-stages', rows)
