/**
 * Agent benchmark: process CPU and RSS of the real agent (a child process) while it tails
 * 10,000 lines/s of 200-byte JSON lines into a collector (the agent's fake collector, which
 * decodes every request). Scenarios, in one run:
 *   idle   the agent with file_tail on and nothing written (its floor: polling, timers)
 *   tail   10k lines/s for 30 s after a 5 s warm-up
 * Goals (issue #6): ≤ 0.2 core per 10k lines/s, RSS ≤ 150 MiB. CPU is the agent's user+system
 * time from /proc over wall time; RSS is sampled every 500 ms (median and max reported). The agent
 * runs with the V8 flags it is deployed with (AGENT_NODE_ARGS).
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startAgentProcess, startFakeCollector, writeTestAgentConfig } from '@periscope/agent/testing'
import { median, processCpuMs, processRssBytes, report, type BenchRow } from '../lib/measure.ts'

const LINES_PER_SECOND = 10_000
const LINE_BYTES = 200
const TICK_MS = 50
const WARMUP_MS = 5_000
const MEASURE_MS = 30_000
const IDLE_MS = 10_000

function makeLine(i: number): string {
  const head = JSON.stringify({
    time: new Date().toISOString(),
    level: 'info',
    msg: `GET /api/cart/${i % 1000} 200`,
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: '00f067aa0ba902b7',
    route: '/api/cart',
    pad: '',
  })
  // pad inside the JSON so every line is exactly LINE_BYTES including its newline
  return head.replace('"pad":""', `"pad":"${'x'.repeat(LINE_BYTES - 1 - head.length)}"`) + '\n'
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const dir = mkdtempSync(join(tmpdir(), 'bench-agent-'))
const logPath = join(dir, 'logs', 'app.log')
const collector = await startFakeCollector()
collector.countOnly = true
const { mkdirSync } = await import('node:fs')
mkdirSync(join(dir, 'logs'))
writeFileSync(logPath, '')
const configPath = writeTestAgentConfig(join(dir, 'data'), collector.url, {
  logLevel: 'info',
  buffer: { maxBytes: 512 * 1024 * 1024, segmentBytes: 16 * 1024 * 1024 },
  sources: {
    otlpHttp: { enabled: true },
    // production defaults for polling and batching (the test config's fast timings undone); only the path differs
    fileTail: { enabled: true, include: [join(dir, 'logs', '*.log')], pollIntervalMs: 250, globIntervalMs: 2000, orphanIdleMs: 5000, batch: { maxRecords: 1000, maxBytes: 1024 * 1024, maxDelayMs: 1000 }, multiline: { flushTimeoutMs: 1000 } },
  },
})
const agent = await startAgentProcess(configPath)
const pid = agent.child.pid!
const rows: BenchRow[] = []

try {
  // ---- idle ----------------------------------------------------------------------------------
  await sleep(2000)
  const cpu0 = processCpuMs(pid)
  const t0 = performance.now()
  await sleep(IDLE_MS)
  const idleCores = (processCpuMs(pid) - cpu0) / (performance.now() - t0)
  rows.push({ scenario: 'idle', metric: 'agent cpu', value: idleCores, unit: 'cores' })
  rows.push({ scenario: 'idle', metric: 'agent rss', value: processRssBytes(pid) / 2 ** 20, unit: 'MiB' })

  // ---- tail 10k lines/s ----------------------------------------------------------------------
  let written = 0
  const perTick = (LINES_PER_SECOND * TICK_MS) / 1000
  let measuring = false
  let measureStart = 0
  let cpuStart = 0
  const rss: number[] = []
  const start = performance.now()
  let nextTick = start
  let lastRssAt = start
  while (performance.now() - start < WARMUP_MS + MEASURE_MS) {
    // catch up on missed ticks so the rate holds even when this process is descheduled
    const due = Math.floor((performance.now() - start) / TICK_MS) + 1
    const target = due * perTick
    let chunk = ''
    for (; written < target; written++) chunk += makeLine(written)
    if (chunk) appendFileSync(logPath, chunk)
    const now = performance.now()
    if (!measuring && now - start >= WARMUP_MS) {
      measuring = true
      measureStart = now
      cpuStart = processCpuMs(pid)
    }
    if (measuring && now - lastRssAt >= 500) {
      rss.push(processRssBytes(pid))
      lastRssAt = now
    }
    nextTick += TICK_MS
    await sleep(Math.max(0, nextTick - performance.now()))
  }
  const wallMs = performance.now() - measureStart
  const cpuMs = processCpuMs(pid) - cpuStart
  const cores = cpuMs / wallMs
  const linesPerSecond = (written * 1000) / (performance.now() - start)
  // wait for the tail to be delivered, bounded
  const deadline = Date.now() + 20_000
  while (collector.logRecordCount < written && Date.now() < deadline) await sleep(100)

  rows.push({ scenario: 'tail 10k lines/s', metric: 'lines written per second', value: linesPerSecond, unit: 'lines/s' })
  rows.push({ scenario: 'tail 10k lines/s', metric: 'agent cpu', value: cores, unit: 'cores' })
  rows.push({ scenario: 'tail 10k lines/s', metric: 'agent cpu per 10k lines/s', value: cores / (linesPerSecond / 10_000), unit: 'cores', goal: '<= 0.2' })
  rows.push({ scenario: 'tail 10k lines/s', metric: 'agent cpu above idle per 10k lines/s', value: (cores - idleCores) / (linesPerSecond / 10_000), unit: 'cores' })
  rows.push({ scenario: 'tail 10k lines/s', metric: 'agent rss median', value: median(rss) / 2 ** 20, unit: 'MiB' })
  rows.push({ scenario: 'tail 10k lines/s', metric: 'agent rss max', value: Math.max(...rss) / 2 ** 20, unit: 'MiB', goal: '<= 150' })
  rows.push({ scenario: 'tail 10k lines/s', metric: 'lines delivered / written', value: collector.logRecordCount / written, unit: 'ratio', goal: '>= 1' })
} finally {
  await agent.kill('SIGTERM')
  await collector.close()
  rmSync(dir, { recursive: true, force: true })
}
report('agent', rows)
