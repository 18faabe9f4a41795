/**
 * The collector process as an operator runs it (collector/src/main.ts): configured from the
 * environment, keys read from the embedded store, records written to the local log; it accepts a
 * request with a key created in the store, refuses one without, and exits 0 on SIGTERM.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { encodeTraces } from '@periscope/model'
import { span, traces } from './testing/otlp-fixtures.ts'

const dir = mkdtempSync(join(tmpdir(), 'collector-main-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('collector main', () => {
  it('serves OTLP with keys from the store and shuts down cleanly on SIGTERM', async () => {
    const storePath = join(dir, 'store')
    // the store is prepared in a process of its own: chdb binds one data directory per process
    const prepare = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'testing', 'prepare-store.ts'), storePath, 'acme'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const key = await new Promise<string>((resolve, reject) => {
      let out = ''
      prepare.stdout!.on('data', (c: Buffer) => (out += c.toString()))
      prepare.once('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`store preparation exited ${code}`))))
    })
    expect(key).toMatch(/^psk_/)

    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'main.ts')], {
      env: {
        ...process.env,
        PERISCOPE_COLLECTOR_HTTP_HOST: '127.0.0.1',
        PERISCOPE_COLLECTOR_HTTP_PORT: '0',
        PERISCOPE_COLLECTOR_BUS_KIND: 'local',
        PERISCOPE_COLLECTOR_BUS_DIR: join(dir, 'bus'),
        PERISCOPE_COLLECTOR_STORE_MODE: 'embedded',
        PERISCOPE_COLLECTOR_STORE_PATH: storePath,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    const address = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! })
      lines.on('line', (line) => {
        const entry = JSON.parse(line) as { msg?: string; address?: string }
        if (entry.msg === 'collector listening' && entry.address) resolve(entry.address)
      })
      void exited.then((code) => reject(new Error(`collector exited ${code} before listening`)))
    })

    const nowNs = BigInt(Date.now()) * 1_000_000n
    const body = encodeTraces(traces([span({ startTimeUnixNano: nowNs, endTimeUnixNano: nowNs + 1000n })]), 'protobuf')
    const send = (headers: Record<string, string>) =>
      fetch(`${address}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', ...headers }, body })
    expect((await send({ authorization: `Bearer ${key}` })).status).toBe(200)
    expect((await send({})).status).toBe(401)
    expect((await fetch(`${address}/readyz`)).status).toBe(200)

    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })
})
