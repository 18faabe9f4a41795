/**
 * Scenario: the agent is SIGKILLed `kills` times while it tails busy log files that are rotated
 * by rename (logrotate's create mode: app-N.log → app-N.log.<k>, a new app-N.log created).
 * Each line is a JSON object carrying periscope.run_id / periscope.producer / periscope.seq, so
 * the agent turns them into log attributes and ClickHouse can count them.
 * The kills land right after a rotation half of the time (the riskiest moment: the old inode is
 * only found again through the checkpoint) and at a random point otherwise.
 * Bar: lost = 0; duplicated ≤ kills × the batches in flight (what was sent but not acknowledged at
 * a kill: the agent keeps up to MAX_IN_FLIGHT export requests of one batch each outstanding).
 * The collector (local log) stays up; ingest drains the log afterwards, then the verifier counts.
 */
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises'
import { startAgentProcess, writeTestAgentConfig, type AgentProcess } from '@periscope/agent/testing'
import { freePort, startService, type ServiceProcess } from '../harness/service-process.ts'
import { collectorConfig, createWorkspace, ingestConfig, localBus, waitDrained } from '../harness/stack.ts'
import { countRun, prepareStore, type ProducerCounts } from '../harness/store-client.ts'
import { ATTR, newRunId } from '../harness/span-batches.ts'

export interface AgentRotationOptions {
  kills: number
  files: number
  /** lines appended per file every `writeEveryMs` */
  linesPerWrite: number
  writeEveryMs: number
  /** a file is rotated after this many writes */
  rotateEveryWrites: number
  /** agent's file_tail batch bound (records) */
  batchMaxRecords: number
  minLifeMs: number
  maxLifeMs: number
}

export interface AgentRotationResult {
  runId: string
  kills: number
  rotations: number
  counts: ProducerCounts[]
  /** the bound on duplicates: kills × MAX_IN_FLIGHT × batchMaxRecords */
  duplicateBound: number
  durationMs: number
}

const KEY = 'faults-agent-rotation-key-0001'
/** the agent's export requests in flight (its default, set explicitly: the duplicate bound scales with it) */
const MAX_IN_FLIGHT = 4
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function agentRotationKills(o: AgentRotationOptions): Promise<AgentRotationResult> {
  const started = Date.now()
  const ws = createWorkspace('agent-rotation')
  const runId = newRunId('agent-rotation')
  const step = (what: string) => console.log(`[agent-rotation +${Date.now() - started} ms] ${what}`)
  const cleanups: Array<() => Promise<unknown>> = []
  try {
    await Promise.all([prepareStore(ws.path('collector-db'), [{ tenantId: 'acme', key: KEY }]), prepareStore(ws.path('ingest-db'), [])])
    const collector: ServiceProcess = await startService({
      name: 'collector',
      dir: ws.root,
      config: collectorConfig({ port: await freePort(), storePath: ws.path('collector-db'), bus: localBus(ws.path('bus')) }),
    })
    cleanups.push(() => collector.kill())
    const logDir = ws.path('logs')
    await mkdir(logDir)
    const configPath = writeTestAgentConfig(ws.path('agent'), collector.url, {
      logLevel: 'info',
      collector: { ingestKey: KEY, timeoutMs: 5000, maxInFlight: MAX_IN_FLIGHT },
      sources: {
        otlpHttp: { enabled: false },
        hostMetrics: { enabled: false },
        fileTail: { enabled: true, include: [`${logDir}/*.log`], format: 'json', batch: { maxRecords: o.batchMaxRecords } },
      },
    })
    let agent: AgentProcess = await startAgentProcess(configPath)
    cleanups.push(() => agent.kill())
    step('collector and agent up')

    // writers: one per file, appending JSON lines and rotating by rename
    const written = new Array<number>(o.files).fill(0)
    let rotations = 0
    let lastRotationAt = 0
    let writing = true
    const writers = Array.from({ length: o.files }, async (_, f) => {
      const path = `${logDir}/app-${f}.log`
      await writeFile(path, '')
      for (let w = 1; writing; w++) {
        let chunk = ''
        for (let i = 0; i < o.linesPerWrite; i++) {
          chunk += `${JSON.stringify({ level: 'info', msg: `line ${written[f]}`, [ATTR.runId]: runId, [ATTR.producer]: `file${f}`, [ATTR.seq]: written[f] })}\n`
          written[f]!++
        }
        await appendFile(path, chunk)
        if (w % o.rotateEveryWrites === 0) {
          await rename(path, `${path}.${w}`)
          // the writer still had the old file open: a last line lands in the renamed file
          await appendFile(`${path}.${w}`, `${JSON.stringify({ level: 'info', msg: `line ${written[f]}`, [ATTR.runId]: runId, [ATTR.producer]: `file${f}`, [ATTR.seq]: written[f] })}\n`)
          written[f]!++
          await writeFile(path, '')
          rotations++
          lastRotationAt = Date.now()
        }
        await sleep(o.writeEveryMs)
      }
    })

    for (let k = 0; k < o.kills; k++) {
      if (k % 2 === 0) {
        // right after the next rotation
        const seen = lastRotationAt
        const deadline = Date.now() + 10_000
        while (lastRotationAt === seen && Date.now() < deadline) await sleep(5)
      } else {
        await sleep(o.minLifeMs + Math.random() * (o.maxLifeMs - o.minLifeMs))
      }
      await agent.kill('SIGKILL')
      agent = await startAgentProcess(configPath)
      step(`kill ${k + 1}; ${rotations} rotations, ${written.reduce((a, b) => a + b, 0)} lines written`)
      await sleep(o.minLifeMs)
    }
    writing = false
    await Promise.all(writers)
    const total = written.reduce((a, b) => a + b, 0)
    step(`writers stopped at ${total} lines`)
    // every line has reached the collector: duplicates count in `accepted` too, so also wait until
    // the agent has read every rotated file to its end and closed it (only the live files stay
    // open) and its buffer is acknowledged — otherwise duplicates could hide unread lines
    const deadline = Date.now() + 120_000
    for (;;) {
      const accepted = await collector.metric('periscope_collector_accepted_items_total', 'signal="logs"')
      const unacked = await agent.metric('periscope_agent_buffer_unacked_entries')
      const open = await agent.metric('periscope_agent_file_tail_open_files')
      if (accepted >= total && unacked === 0 && open === o.files) break
      if (Date.now() > deadline) throw new Error(`the agent did not ship every line within 120 s (collector accepted ${accepted} of ${total}, ${unacked} entries unacked, ${open} files open)`)
      await sleep(200)
    }
    // a little longer: lines of a rotated file still being read would show as duplicates or stray, not be missed
    await sleep(1000)
    await agent.kill('SIGTERM')
    await collector.stop()
    step('agent and collector stopped')

    const ingest = await startService({ name: 'ingest', dir: ws.root, config: ingestConfig({ storePath: ws.path('ingest-db'), bus: localBus(ws.path('bus')), groupIdPrefix: 'faults', signals: ['logs'] }) })
    cleanups.push(() => ingest.kill())
    await waitDrainedLogs(ingest)
    const stopped = await ingest.stop()
    if (stopped.code !== 0) throw new Error(`ingest did not stop cleanly:\n${ingest.output()}`)
    const counts = await countRun(ws.path('ingest-db'), runId, Object.fromEntries(written.map((n, f) => [`file${f}`, n])), 'logs')
    return { runId, kills: o.kills, rotations, counts, duplicateBound: o.kills * MAX_IN_FLIGHT * o.batchMaxRecords, durationMs: Date.now() - started }
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => {})
    ws.remove()
  }
}

async function waitDrainedLogs(ingest: ServiceProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let quiet = 0
  for (;;) {
    const text = await (await fetch(`${ingest.url}/metrics`)).text().catch(() => '')
    const lags = text.split('\n').filter((l) => l.startsWith('periscope_ingest_consumer_lag_records{') && l.includes('otlp.logs'))
    const lag = lags.reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)
    quiet = lags.length > 0 && lag === 0 ? quiet + 1 : 0
    if (quiet >= 2) return
    if (Date.now() > deadline) throw new Error(`ingest did not drain the logs within ${timeoutMs} ms:\n${ingest.output()}`)
    await sleep(200)
  }
}
