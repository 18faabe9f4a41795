/**
 * Generations of a file rotated more than once while the agent could not see them, with the real
 * agent process and a fake collector:
 * - SIGKILLed, then app.log rotated twice (app.log → app.log.1 → app.log.2, a new app.log each
 *   time) before the restart: the checkpointed inode is finished from its checkpoint, the middle
 *   generation (never seen by the agent) is read from its start, the new app.log too. Run with
 *   a glob that matches the rotated names and with one that does not.
 * - rotated twice between two discoveries while running (the middle generation never sat at a
 *   globbed path when the agent looked).
 * - rotated and the rotated file deleted while down: that loss cannot be avoided, so it is
 *   counted on /metrics and logged.
 * Every line carries its sequence number; the expectations count them at the collector.
 * startAt is `end` (the production default) so a generation mistaken for a pre-existing file
 * would be skipped, not read.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { appendFile, mkdir, mkdtemp, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startAgentProcess, type AgentProcess } from './testing/agent-process.ts'
import { writeTestAgentConfig } from './testing/agent-config.ts'
import { startFakeCollector, type FakeCollector } from './testing/fake-collector.ts'

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const BATCH_MAX_RECORDS = 50
/** the sink's default: requests in flight at once, each a batch a kill may make it send twice */
const MAX_IN_FLIGHT = 4

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const line = (i: number) => JSON.stringify({ level: 'info', msg: `line ${i}`, pad: 'x'.repeat(80) }) + '\n'
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => line(from + k)).join('')

interface Setup {
  collector: FakeCollector
  logDir: string
  logPath: string
  dataDir: string
  start: () => Promise<AgentProcess>
}

async function setup(include: string, fileTail: Record<string, unknown> = {}): Promise<Setup> {
  const dir = await mkdtemp(join(tmpdir(), 'agent-generations-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  const logDir = join(dir, 'logs')
  await mkdir(logDir)
  const collector = await startFakeCollector()
  cleanups.push(() => collector.close())
  const dataDir = join(dir, 'data')
  const configPath = writeTestAgentConfig(dataDir, collector.url, {
    logLevel: 'info',
    collector: { maxInFlight: MAX_IN_FLIGHT },
    sources: {
      otlpHttp: { enabled: false },
      fileTail: { enabled: true, include: [join(logDir, include)], startAt: 'end', batch: { maxRecords: BATCH_MAX_RECORDS }, ...fileTail },
    },
  })
  const start = async () => {
    const agent = await startAgentProcess(configPath)
    cleanups.push(() => agent.kill())
    return agent
  }
  return { collector, logDir, logPath: join(logDir, 'app.log'), dataDir, start }
}

/** how many times each line number arrived */
function arrivals(collector: FakeCollector): Map<number, number> {
  const counts = new Map<number, number>()
  for (const body of collector.logBodies()) {
    const n = Number(body.slice('line '.length))
    counts.set(n, (counts.get(n) ?? 0) + 1)
  }
  return counts
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k)

/**
 * Waits until the agent's saved checkpoint of `path` is at least `atLeast` bytes (default: its
 * current size, i.e. all of it acknowledged); with 0, until the agent tracks the file at all
 * (with startAt `end`, lines written before that are skipped by design).
 */
async function checkpointed(dataDir: string, path: string, atLeast?: number): Promise<void> {
  const { ino, size } = await stat(path)
  const offset = atLeast ?? size
  await until(async () => {
    const text = await readFile(join(dataDir, 'checkpoints.json'), 'utf8').catch(() => '{"files":[]}')
    const saved = JSON.parse(text) as { files: Array<{ ino: number; offset: number }> }
    return saved.files.some((p) => p.ino === ino && p.offset >= offset)
  }, `the checkpoint of ${path} at ${offset}`)
}

describe('file_tail generations rotated while the agent could not see them (real agent process)', () => {
  it.each([
    { glob: 'app.log*', what: 'rotated names matched by the glob' },
    { glob: '*.log', what: 'rotated names outside the glob' },
  ])('reads every generation of a file rotated twice while the agent was down ($what)', async ({ glob }) => {
    const { collector, logPath, dataDir, start } = await setup(glob)
    await writeFile(logPath, '')
    let agent = await start()
    await checkpointed(dataDir, logPath, 0)
    await appendFile(logPath, lines(0, 200))
    await until(() => arrivals(collector).size >= 200, 'the first 200 lines')
    await checkpointed(dataDir, logPath)

    // lines after the checkpoint, then the crash: some may be shipped, none acknowledged for sure
    await appendFile(logPath, lines(200, 300))
    await agent.kill('SIGKILL')

    // first rotation while down: the writer still appends to the renamed inode, then a new app.log
    await rename(logPath, `${logPath}.1`)
    await appendFile(`${logPath}.1`, lines(300, 320))
    await writeFile(logPath, lines(320, 500))
    // second rotation while down: logrotate shifts the numbers; the middle generation is never seen
    await rename(`${logPath}.1`, `${logPath}.2`)
    await rename(logPath, `${logPath}.1`)
    await appendFile(`${logPath}.1`, lines(500, 520))
    await writeFile(logPath, lines(520, 600))

    agent = await start()
    await appendFile(logPath, lines(600, 700))
    await until(() => range(0, 700).every((i) => arrivals(collector).has(i)), 'every line', 30_000).catch(() => undefined)

    const counts = arrivals(collector)
    expect(range(0, 700).filter((i) => !counts.has(i))).toEqual([])
    // duplicates only of lines written before the kill: at most the 100 after the checkpoint plus
    // the batches sent whose acknowledgement the buffer had not recorded yet (≤ maxInFlight),
    // each at most twice; everything written while the agent was down or after arrives exactly once
    const duplicated = range(0, 300).reduce((n, i) => n + counts.get(i)! - 1, 0)
    expect(duplicated).toBeLessThanOrEqual(100 + MAX_IN_FLIGHT * BATCH_MAX_RECORDS)
    expect(range(0, 300).filter((i) => counts.get(i)! > 2)).toEqual([])
    expect(range(300, 700).filter((i) => counts.get(i) !== 1)).toEqual([])
    expect([...counts.keys()].filter((i) => i < 0 || i >= 700)).toEqual([])
    expect(await agent.metric('periscope_agent_file_tail_copytruncate_total')).toBe(0)
    expect(await agent.metric('periscope_agent_file_tail_missing_files_total')).toBe(0)
  }, 90_000)

  it('reads a generation rotated away between two discoveries while running', async () => {
    // discovery every 3 s: the two rotations below land between two of them
    const { collector, logPath, dataDir, start } = await setup('*.log', { globIntervalMs: 3_000 })
    await writeFile(logPath, '')
    const agent = await start()
    await checkpointed(dataDir, logPath, 0)
    await appendFile(logPath, lines(0, 100))
    await until(() => arrivals(collector).size >= 100, 'the first 100 lines')

    await rename(logPath, `${logPath}.1`)
    await writeFile(logPath, lines(100, 250))
    await rename(`${logPath}.1`, `${logPath}.2`)
    await rename(logPath, `${logPath}.1`)
    await writeFile(logPath, lines(250, 300))

    await until(() => range(0, 300).every((i) => arrivals(collector).has(i)), 'every line', 20_000).catch(() => undefined)
    const counts = arrivals(collector)
    expect(range(0, 300).filter((i) => !counts.has(i))).toEqual([])
    expect(range(0, 300).filter((i) => counts.get(i) !== 1)).toEqual([])
    expect(await agent.metric('periscope_agent_file_tail_missing_files_total')).toBe(0)
  }, 60_000)

  it('counts and logs a checkpointed file deleted while the agent was down', async () => {
    const { collector, logPath, dataDir, start } = await setup('*.log')
    await writeFile(logPath, '')
    let agent = await start()
    await checkpointed(dataDir, logPath, 0)
    await appendFile(logPath, lines(0, 200))
    await until(() => arrivals(collector).size >= 200, 'the first 200 lines')
    await checkpointed(dataDir, logPath)
    await agent.kill('SIGKILL')

    // rotated, written and deleted while down: lines 200..299 are gone before anyone read them.
    // The writer keeps the deleted file open, as a real one would, so its inode cannot be reused
    // by the new app.log (that case is told apart by the fingerprint and counted as a truncation)
    await rename(logPath, `${logPath}.1`)
    const writer = await open(`${logPath}.1`, 'a')
    cleanups.push(() => writer.close())
    await writer.appendFile(lines(200, 300))
    await unlink(`${logPath}.1`)
    await writeFile(logPath, lines(300, 400))

    agent = await start()
    await until(() => range(300, 400).every((i) => arrivals(collector).has(i)), 'the lines of the new file')
    const counts = arrivals(collector)
    expect(range(0, 200).filter((i) => !counts.has(i))).toEqual([])
    expect(range(200, 300).filter((i) => counts.has(i))).toEqual([])
    expect(range(300, 400).filter((i) => counts.get(i) !== 1)).toEqual([])
    expect(await agent.metric('periscope_agent_file_tail_missing_files_total')).toBe(1)
    expect(agent.output.some((l) => l.includes('"level":50') && l.includes('checkpointed file is gone'))).toBe(true)
  }, 60_000)
})
