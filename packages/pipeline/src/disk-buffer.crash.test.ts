/**
 * DiskBuffer under SIGKILL: a child process appends as fast as it can and reports each append
 * that resolved; we kill it without warning and check that every reported entry is there, intact
 * and in order, after reopening.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDiskBuffer } from './disk-buffer.ts'

let dir = ''
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

function runUntilKilled(args: string[], killAfterLines: number): Promise<Map<number, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'testing', 'disk-buffer-writer.ts'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const reported = new Map<number, number>()
    let rest = ''
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.on('data', (d: Buffer) => {
      const lines = (rest + d.toString()).split('\n')
      rest = lines.pop()!
      for (const line of lines) {
        const [id, value] = line.split(' ').map(Number)
        reported.set(id!, value!)
      }
      if (reported.size >= killAfterLines) child.kill('SIGKILL')
    })
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(reported)
      else reject(new Error(`writer exited with ${code}: ${stderr}`))
    })
  })
}

describe('DiskBuffer survives SIGKILL', () => {
  it('keeps every append it reported durable, across segment rolls', async () => {
    dir = await mkdtemp(join(tmpdir(), 'disk-buffer-crash-'))
    const reported = await runUntilKilled([dir, String(64 << 20), String(32 * 1024)], 3000)
    expect(reported.size).toBeGreaterThanOrEqual(3000)

    const buffer = await openDiskBuffer({ dir, maxBytes: 64 << 20, segmentBytes: 32 * 1024 })
    const found = new Map<number, string>()
    let previous = 0
    for (;;) {
      const entry = await buffer.read()
      if (!entry) break
      expect(entry.id).toBe(previous + 1)
      previous = entry.id
      found.set(entry.id, entry.payload.toString())
    }
    for (const [id, value] of reported) {
      const text = found.get(id)
      expect(text, `entry ${id}`).toBeDefined()
      expect(text!.startsWith(`entry-${value}-`)).toBe(true)
      expect(text!.length).toBe(100 + (value % 50))
    }
    await buffer.close()
  }, 60_000)
})
