/**
 * The parent side of the end-to-end benchmarks: starts bench/e2e/pipeline.ts as a child (so its
 * CPU is measured apart from the load generator's), calls it over IPC, and posts OTLP bodies to
 * its collector. Shared by bench/e2e, bench/freshness and bench/storage.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BusConfig } from '@periscope/pipeline'

export interface Pipeline {
  child: ChildProcess
  port: number
  key: string
  tenantId: string
  dir: string
  call<T>(op: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<T>
  stop(): Promise<void>
}

/**
 * `bus` 'local' puts the log under the pipeline's own temp dir. `nodeOptions`: extra node flags
 * for the pipeline process (diagnostics such as --trace-gc; the figures use none).
 */
export async function startPipeline(bus: 'local' | BusConfig, nodeOptions: readonly string[] = []): Promise<Pipeline> {
  const dir = mkdtempSync(join(tmpdir(), 'periscope-bench-e2e-'))
  const busConfig: BusConfig = bus === 'local' ? { kind: 'local', dir: join(dir, 'bus'), partitions: 4, maxBatchRecords: 1000, maxBatchBytes: 16 << 20 } : bus
  const child = fork(join(import.meta.dirname, 'pipeline.ts'), [dir, JSON.stringify(busConfig)], {
    execArgv: [...nodeOptions, '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, TZ: 'UTC' },
  })
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let nextId = 1
  const ready = await new Promise<{ port: number; key: string; tenantId: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the pipeline did not start within 60 s')), 60_000)
    child.once('exit', (code) => reject(new Error(`the pipeline exited with ${code} before it was ready`)))
    child.on('message', (m: { ready?: boolean; port: number; key: string; tenantId: string; id?: number; ok?: boolean; value?: unknown; error?: string }) => {
      if (m.ready) {
        clearTimeout(timer)
        resolve({ port: m.port, key: m.key, tenantId: m.tenantId })
        return
      }
      const p = pending.get(m.id!)
      if (!p) return
      pending.delete(m.id!)
      if (m.ok) p.resolve(m.value)
      else p.reject(new Error(m.error))
    })
  })
  child.on('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`the pipeline exited with ${code}`))
    pending.clear()
  })
  return {
    child,
    ...ready,
    dir,
    call<T>(op: string, args: Record<string, unknown> = {}, timeoutMs = 180_000): Promise<T> {
      const id = nextId++
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id)
          reject(new Error(`pipeline op ${op} timed out`))
        }, timeoutMs)
        pending.set(id, {
          resolve: (v) => (clearTimeout(timer), resolve(v as T)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        })
        child.send({ id, op, ...args })
      })
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        const killer = setTimeout(() => child.kill('SIGKILL'), 30_000)
        child.send({ id: 0, op: 'stop' })
        await exited
        clearTimeout(killer)
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export function post(agent: Agent, pipeline: Pipeline, path: '/v1/traces' | '/v1/logs', body: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: pipeline.port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length, authorization: `Bearer ${pipeline.key}` },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** Posts every body once, `concurrency` in flight, retrying 429/503 (back-pressure is not loss). */
export async function postAll(pipeline: Pipeline, bodies: readonly Uint8Array[], concurrency: number, deadlineMs: number, path: '/v1/traces' | '/v1/logs' = '/v1/traces'): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  let next = 0
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++]!
          for (;;) {
            if (Date.now() > deadlineMs) throw new Error('posting did not finish within the scenario budget')
            const status = await post(agent, pipeline, path, body)
            if (status === 200) break
            if (status !== 429 && status !== 503) throw new Error(`the collector answered ${status}`)
            await new Promise((r) => setTimeout(r, 20))
          }
        }
      }),
    )
  } finally {
    agent.destroy()
  }
}
