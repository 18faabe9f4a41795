/**
 * Several requests in flight, with the real agent process and a fake collector that answers out
 * of order (a delay per request) and fails some requests (503): across SIGKILLs no line is lost.
 * One batch is held back (refused until the test lets it through) while the later batches are
 * acknowledged: the checkpoint must stay before that batch's lines, and after a SIGKILL the
 * restarted agent must send them. Every line carries its sequence number.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startAgentProcess, type AgentProcess } from './testing/agent-process.ts'
import { writeTestAgentConfig } from './testing/agent-config.ts'
import { startFakeCollector, type FakeCollector } from './testing/fake-collector.ts'

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const BATCH = 50
const MAX_IN_FLIGHT = 4
/** the line whose batch the collector refuses while `holding` */
const HELD_LINE = 500

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const line = (i: number) => JSON.stringify({ level: 'info', msg: `line ${i}`, pad: 'x'.repeat(60) }) + '\n'
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => line(from + k)).join('')
const numberOf = (body: string) => Number(body.slice('line '.length))

function arrivals(collector: FakeCollector): Map<number, number> {
  const counts = new Map<number, number>()
  for (const body of collector.logBodies()) counts.set(numberOf(body), (counts.get(numberOf(body)) ?? 0) + 1)
  return counts
}

async function checkpointOffset(dataDir: string): Promise<number> {
  const text = await readFile(join(dataDir, 'checkpoints.json'), 'utf8').catch(() => '{"files":[]}')
  const saved = JSON.parse(text) as { files: Array<{ path: string; offset: number }> }
  return Math.max(0, ...saved.files.filter((f) => f.path.endsWith('app.log')).map((f) => f.offset))
}

describe('sink with requests in flight, answered out of order, across SIGKILL (real agent process)', () => {
  it('never checkpoints past an unacknowledged batch and loses no line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-sink-order-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const logDir = join(dir, 'logs')
    await mkdir(logDir)
    const logPath = join(logDir, 'app.log')
    await writeFile(logPath, '')
    const dataDir = join(dir, 'data')
    const collector = await startFakeCollector()
    cleanups.push(() => collector.close())
    let holding = true
    collector.decide = ({ index, logBodies }) => {
      if (holding && logBodies.some((b) => numberOf(b) === HELD_LINE)) return { status: 503, delayMs: 5 }
      // out of order: a spread of answer delays; and every 7th request refused once
      return { status: index % 7 === 6 ? 503 : 200, delayMs: (index * 37) % 60 }
    }
    const configPath = writeTestAgentConfig(dataDir, collector.url, {
      logLevel: 'info',
      collector: { maxInFlight: MAX_IN_FLIGHT },
      sources: { otlpHttp: { enabled: false }, fileTail: { enabled: true, include: [join(logDir, '*.log')], batch: { maxRecords: BATCH } } },
    })
    const start = async (): Promise<AgentProcess> => {
      const agent = await startAgentProcess(configPath)
      cleanups.push(() => agent.kill())
      return agent
    }

    let agent = await start()
    for (let i = 0; i < 1000; i += 100) await appendFile(logPath, lines(i, i + 100))
    // the held batch is refused while later ones are acknowledged and wait behind it
    await until(
      async () => [...arrivals(collector).keys()].some((i) => i >= HELD_LINE + BATCH) && (await agent.metric('periscope_agent_sink_awaiting_earlier_entries')) > 0,
      'a later batch acknowledged, waiting for the held one',
    )
    expect(arrivals(collector).has(HELD_LINE)).toBe(false)
    // the checkpoint stays before the held batch (whose lines start at or before HELD_LINE)
    expect(await checkpointOffset(dataDir)).toBeLessThanOrEqual(Buffer.byteLength(lines(0, HELD_LINE)))
    await agent.kill('SIGKILL')
    holding = false

    // restarted: the held batch is sent again (from the buffer); more lines meanwhile
    agent = await start()
    await appendFile(logPath, lines(1000, 1300))
    await until(() => (collector.answered.get(503) ?? 0) > 0 && arrivals(collector).has(1200), 'lines after the first restart')
    // killed again mid-stream, with answers still out of order and some refused
    await agent.kill('SIGKILL')
    await appendFile(logPath, lines(1300, 1500))
    agent = await start()
    await until(() => arrivals(collector).size >= 1500, 'every line', 40_000)

    const final = arrivals(collector)
    expect(Array.from({ length: 1500 }, (_, i) => i).filter((i) => !final.has(i))).toEqual([])
    expect([...final.keys()].filter((i) => i < 0 || i >= 1500)).toEqual([])
    // duplicates: at most maxInFlight batches per kill (sent, answered, not yet recorded)
    const duplicated = [...final.values()].reduce((n, c) => n + c - 1, 0)
    expect(duplicated).toBeLessThanOrEqual(2 * MAX_IN_FLIGHT * BATCH)
    expect(await agent.metric('periscope_agent_component_dropped_items_total')).toBe(0)
  }, 120_000)
})
