/**
 * evaluator-main.ts as its own process: it refuses a bad configuration with the key named, and
 * on a migrated embedded store it leads, answers /readyz and /metrics, and on SIGTERM stops
 * and exits 0.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate, openStore } from '@periscope/store'
import { childBaseEnv } from '../testing/config.ts'

const MAIN = fileURLToPath(new URL('../evaluator-main.ts', import.meta.url))
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'periscope-evaluator-main-'))
  const store = await openStore({ mode: 'embedded', path: join(dir, 'db') })
  await migrate(store)
  await store.close()
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { ...childBaseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, exited, output: () => output }
}

describe('the evaluator process', () => {
  it('exits 1 naming the setting when the configuration is invalid', async () => {
    const { exited, output } = run({ PERISCOPE_QUERY_API_STORE_MODE: 'embedded', PERISCOPE_QUERY_API_STORE_PATH: join(dir, 'db'), PERISCOPE_QUERY_API_ALERTING_SSRF_ALLOW: 'exa mple' })
    expect(await exited).toBe(1)
    expect(output()).toContain('alerting.ssrf.allow')
  })

  it('leads on its store, reports health and metrics, and stops cleanly on SIGTERM', async () => {
    const port = await freePort()
    const { child, exited, output } = run({
      PERISCOPE_QUERY_API_STORE_MODE: 'embedded',
      PERISCOPE_QUERY_API_STORE_PATH: join(dir, 'db'),
      PERISCOPE_QUERY_API_ALERTING_EVALUATOR_HTTP_HOST: '127.0.0.1',
      PERISCOPE_QUERY_API_ALERTING_EVALUATOR_HTTP_PORT: String(port),
      PERISCOPE_QUERY_API_ALERTING_EVALUATOR_INSTANCE_ID: 'main-test',
    })
    let metrics = ''
    for (let i = 0; i < 300 && !/periscope_evaluator_ticks_total\{[^}]*role="leader"/.test(metrics); i++) {
      await new Promise((r) => setTimeout(r, 100))
      metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()).catch(() => '')
    }
    expect(metrics, output()).toMatch(/periscope_evaluator_ticks_total\{[^}]*role="leader"[^}]*\} 1/)
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200)
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(output()).toContain('evaluator running')
    expect(output()).toContain('alert evaluator stopped')
  })
})
