import { afterEach, describe, expect, it } from 'vitest'
import { mkdtemp, readdir, rm, stat, truncate, appendFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDiskBuffer, type DiskBuffer } from './disk-buffer.ts'

const dirs: string[] = []
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'disk-buffer-'))
  dirs.push(dir)
  return dir
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

async function readAll(buffer: DiskBuffer): Promise<Array<{ id: number; text: string }>> {
  const out: Array<{ id: number; text: string }> = []
  for (;;) {
    const entry = await buffer.read()
    if (!entry) return out
    out.push({ id: entry.id, text: entry.payload.toString() })
  }
}

describe('DiskBuffer', () => {
  it('delivers appended entries in order and keeps unacknowledged ones across reopen', async () => {
    const dir = await tempDir()
    const buffer = await openDiskBuffer({ dir, maxBytes: 1 << 20, segmentBytes: 256 })
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((t) => buffer.append(Buffer.from(t.repeat(100)))))
    expect(results).toEqual([1, 2, 3, 4, 5].map((id) => ({ ok: true, id })))
    const firstTwo = [await buffer.read(), await buffer.read()]
    expect(firstTwo.map((e) => e!.payload.toString()[0])).toEqual(['a', 'b'])
    await buffer.ack(2)
    await buffer.close()

    const reopened = await openDiskBuffer({ dir, maxBytes: 1 << 20, segmentBytes: 256 })
    const rest = await readAll(reopened)
    expect(rest.map((e) => [e.id, e.text[0]])).toEqual([[3, 'c'], [4, 'd'], [5, 'e']])
    const unacked: number[] = []
    for await (const entry of reopened.unacked()) unacked.push(entry.id)
    expect(unacked).toEqual([3, 4, 5])
    await reopened.ack(5)
    expect(reopened.stats()).toMatchObject({ unackedBytes: 0, unackedEntries: 0 })
    // every segment but the active one is gone once fully acknowledged
    const next = await reopened.append(Buffer.from('f'))
    expect(next).toEqual({ ok: true, id: 6 })
    expect(await readAll(reopened)).toEqual([{ id: 6, text: 'f' }])
    await reopened.close()
  })

  it('refuses appends past maxBytes, and takes them again after an ack', async () => {
    const dir = await tempDir()
    // frame = 16 header bytes + payload; three frames of 116 bytes fit in 350, the fourth does not
    const buffer = await openDiskBuffer({ dir, maxBytes: 350 })
    const payload = Buffer.alloc(100, 1)
    for (let i = 0; i < 3; i++) expect((await buffer.append(payload)).ok).toBe(true)
    expect(buffer.hasRoom(100)).toBe(false)
    expect(await buffer.append(payload)).toEqual({ ok: false, reason: 'full' })
    expect(buffer.stats()).toMatchObject({ unackedBytes: 348, fullRejections: 1 })
    const entry = await buffer.read()
    await buffer.ack(entry!.id)
    expect((await buffer.append(payload)).ok).toBe(true)
    await buffer.close()
  })

  it('group-commits concurrent appends and wakes a waiting reader', async () => {
    const dir = await tempDir()
    const buffer = await openDiskBuffer({ dir, maxBytes: 1 << 20 })
    const waiting = buffer.waitForData()
    const appends = Array.from({ length: 100 }, (_, i) => buffer.append(Buffer.from(String(i))))
    await waiting
    await Promise.all(appends)
    expect((await readAll(buffer)).map((e) => e.text)).toEqual(Array.from({ length: 100 }, (_, i) => String(i)))
    const controller = new AbortController()
    const idle = buffer.waitForData(controller.signal)
    controller.abort()
    await idle
    await buffer.close()
  })

  it('truncates a torn tail left by a crash mid-write and keeps every complete entry', async () => {
    const dir = await tempDir()
    const buffer = await openDiskBuffer({ dir, maxBytes: 1 << 20 })
    for (const t of ['one', 'two', 'three']) await buffer.append(Buffer.from(t))
    await buffer.close()
    const [segment] = (await readdir(dir)).filter((n) => n.startsWith('segment-'))
    const path = join(dir, segment!)
    const size = (await stat(path)).size
    // half of a fourth frame: a header announcing 50 bytes, and 10 of them
    const torn = Buffer.alloc(26)
    torn.writeUInt32LE(50, 0)
    await appendFile(path, torn)
    const reopened = await openDiskBuffer({ dir, maxBytes: 1 << 20 })
    expect((await readAll(reopened)).map((e) => e.text)).toEqual(['one', 'two', 'three'])
    expect((await stat(path)).size).toBe(size)
    expect((await reopened.append(Buffer.from('four'))).ok).toBe(true)
    expect((await readAll(reopened)).map((e) => e.text)).toEqual(['four'])
    await reopened.close()

    // a frame whose bytes were damaged fails its checksum and is cut off as well
    await truncate(path, size - 2)
    const again = await openDiskBuffer({ dir, maxBytes: 1 << 20 })
    expect((await readAll(again)).map((e) => e.text)).toEqual(['one', 'two'])
    await again.close()
  })

  it('refuses a second owner of the same directory', async () => {
    const dir = await tempDir()
    const buffer = await openDiskBuffer({ dir, maxBytes: 1024 })
    // the lock names this very process, so pretend to be another one by writing a live pid
    const { writeFile } = await import('node:fs/promises')
    await writeFile(join(dir, 'lock'), `${process.ppid}\n`)
    await expect(openDiskBuffer({ dir, maxBytes: 1024 })).rejects.toThrow(/in use/)
    await buffer.close()
  })
})
