import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findGenerations, rotationOf } from './generations.ts'

describe('rotationOf', () => {
  it('names the watched file a rotated name continues, the longest that fits', () => {
    expect(rotationOf('app.log.1', ['app.log'])).toBe('app.log')
    expect(rotationOf('app.log-20240101', ['app.log'])).toBe('app.log')
    expect(rotationOf('app.log_old', ['app.log'])).toBe('app.log')
    expect(rotationOf('0.log.20240101-120000', ['0.log'])).toBe('0.log')
    expect(rotationOf('app-1.log.400', ['app-0.log', 'app-1.log'])).toBe('app-1.log')
    expect(rotationOf('app.log.1.2', ['app.log', 'app.log.1'])).toBe('app.log.1')
  })

  it('leaves out the watched file itself, other files, compressed generations and names without a separator', () => {
    expect(rotationOf('app.log', ['app.log'])).toBeUndefined()
    expect(rotationOf('app.log.', ['app.log'])).toBeUndefined()
    expect(rotationOf('app.logger', ['app.log'])).toBeUndefined()
    expect(rotationOf('other.log.1', ['app.log'])).toBeUndefined()
    expect(rotationOf('app.log.1.gz', ['app.log'])).toBeUndefined()
    expect(rotationOf('app.log-20240101.zst', ['app.log'])).toBeUndefined()
  })
})

describe('findGenerations', () => {
  let dir = ''
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'generations-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  const at = (path: string, ms: number) => utimes(path, ms / 1000, ms / 1000)

  it('finds rotated names modified since the threshold, oldest first, and lists what is present', async () => {
    const t = Date.now() - 60_000
    const files: Array<[string, number]> = [
      ['app.log', t + 9_000],
      ['app.log.1', t + 5_000],
      ['app.log.2', t + 3_000],
      ['app.log.3', t - 1_000], // old history
      ['app.log.4.gz', t + 4_000],
      ['other.log.1', t + 4_000],
      ['skipped.log.1', t + 4_000],
    ]
    for (const [name, ms] of files) {
      await writeFile(join(dir, name), `${name}\n`)
      await at(join(dir, name), ms)
    }
    const skippedIno = (await stat(join(dir, 'skipped.log.1'))).ino
    const scan = await findGenerations([join(dir, 'app.log'), join(dir, 'skipped.log')], t, (e) => e.ino === skippedIno)
    expect(scan.generations.map((g) => [g.path, g.livePath])).toEqual([
      [join(dir, 'app.log.2'), join(dir, 'app.log')],
      [join(dir, 'app.log.1'), join(dir, 'app.log')],
    ])
    const expectedKeys = await Promise.all(['app.log.1', 'app.log.2', 'app.log.3', 'skipped.log.1'].map(async (n) => (await stat(join(dir, n))).ino))
    expect([...scan.present.get(dir)!.keys()].map((k) => Number(k.split(':')[1])).sort()).toEqual(expectedKeys.sort())
    expect(Math.round(scan.present.get(dir)!.get(scan.generations[0]!.key)!)).toBe(t + 3_000)
  })

  it('does not list a directory unchanged since the threshold', async () => {
    await writeFile(join(dir, 'app.log.1'), 'x\n')
    const t = Date.now() - 60_000
    await at(dir, t - 1_000)
    const scan = await findGenerations([join(dir, 'app.log')], t, () => false)
    expect(scan.generations).toEqual([])
    expect(scan.present.size).toBe(0)
  })
})
