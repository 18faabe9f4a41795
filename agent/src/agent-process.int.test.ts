/**
 * The agent as a child process announces where it listens at any log level but silent: the
 * test config's default level is warn, and startAgentProcess finds the port from that line.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startAgentProcess } from './testing/agent-process.ts'
import { testAgentConfigTree, writeTestAgentConfig } from './testing/agent-config.ts'
import { startFakeCollector } from './testing/fake-collector.ts'

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('agent process', () => {
  it('logs its listening line at log level warn', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-process-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const collector = await startFakeCollector()
    cleanups.push(() => collector.close())
    expect(testAgentConfigTree(dir, collector.url)['logLevel']).toBe('warn')
    const agent = await startAgentProcess(writeTestAgentConfig(dir, collector.url))
    cleanups.push(() => agent.kill('SIGTERM'))
    expect(agent.port).toBeGreaterThan(0)
    expect(agent.output.filter((l) => l.includes('"level":30'))).toHaveLength(1)
    expect(await agent.metric('periscope_agent_buffer_unacked_entries')).toBe(0)
  }, 60_000)
})
