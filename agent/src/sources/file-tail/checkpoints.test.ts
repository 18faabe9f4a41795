import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FilePosition } from '../../buffer-entry.ts'
import { MAX_FINISHED, openCheckpointStore } from './checkpoints.ts'

const position = (ino: number, offset: number): FilePosition => ({ key: `1:${ino}`, dev: 1, ino, path: '/logs/app.log', offset, fingerprintBytes: 10, fingerprintCrc: 7 })

describe('checkpoint store', () => {
  let dir = ''
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'checkpoints-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps positions, finished files and the last discovery time across a reopen', async () => {
    const path = join(dir, 'checkpoints.json')
    const store = await openCheckpointStore(path)
    expect(store.discoveredAtMs()).toBeUndefined()
    store.set(position(1, 100))
    store.finish(position(2, 200))
    store.setDiscoveredAtMs(1_700_000_000_000)
    await store.save()
    const reopened = await openCheckpointStore(path)
    expect(reopened.all()).toEqual([position(1, 100)])
    expect(reopened.finished('1:2')).toEqual(position(2, 200))
    expect(reopened.discoveredAtMs()).toBe(1_700_000_000_000)
    reopened.forgetFinished('1:2')
    await reopened.save()
    expect((await openCheckpointStore(path)).allFinished()).toEqual([])
  })

  it('saves a later discovery time only along with another change', async () => {
    const path = join(dir, 'checkpoints.json')
    const store = await openCheckpointStore(path)
    store.setDiscoveredAtMs(1000)
    await store.save()
    store.setDiscoveredAtMs(2000)
    await store.save()
    expect((await openCheckpointStore(path)).discoveredAtMs()).toBe(1000)
    store.set(position(1, 5))
    await store.save()
    expect((await openCheckpointStore(path)).discoveredAtMs()).toBe(2000)
  })

  it('reads a file written before finished files and discovery times existed', async () => {
    const path = join(dir, 'checkpoints.json')
    await writeFile(path, JSON.stringify({ version: 1, files: [position(1, 100)] }))
    const store = await openCheckpointStore(path)
    expect(store.all()).toEqual([position(1, 100)])
    expect(store.allFinished()).toEqual([])
    expect(store.discoveredAtMs()).toBeUndefined()
  })

  it('remembers at most MAX_FINISHED finished files, forgetting the oldest', async () => {
    const path = join(dir, 'checkpoints.json')
    const store = await openCheckpointStore(path)
    for (let i = 0; i < MAX_FINISHED + 3; i++) store.finish(position(i, i))
    await store.save()
    const saved = JSON.parse(await readFile(path, 'utf8')) as { finished: FilePosition[] }
    expect(saved.finished.length).toBe(MAX_FINISHED)
    expect(saved.finished[0]!.ino).toBe(3)
    expect(store.finished('1:0')).toBeUndefined()
  })
})
