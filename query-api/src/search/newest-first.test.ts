import { describe, expect, it } from 'vitest'
import { searchNewestFirst } from './newest-first.ts'

/** rows at the given instants, answered newest first per window, recording the windows asked */
function source(times: bigint[]) {
  const windows: Array<[bigint, bigint, number]> = []
  const run = async (fromNs: bigint, toNs: bigint, limit: number) => {
    windows.push([fromNs, toNs, limit])
    return times.filter((t) => t >= fromNs && t < toNs).sort((a, b) => (a < b ? 1 : -1)).slice(0, limit)
  }
  return { windows, run }
}

describe('searchNewestFirst', () => {
  const range = { fromNs: 0n, toNs: 1000n }
  const times = Array.from({ length: 100 }, (_, i) => BigInt(i * 10 + 3))

  it('answers from the newest window when it holds enough rows', async () => {
    const s = source(times)
    const rows = await searchNewestFirst({ range, want: 5, firstWindowNs: 100n, run: s.run })
    expect(rows).toEqual([993n, 983n, 973n, 963n, 953n])
    expect(s.windows).toEqual([[900n, 1000n, 5]])
  })

  it('widens windows geometrically, asking each only for the rows still missing, in order', async () => {
    const s = source(times)
    const rows = await searchNewestFirst({ range, want: 40, firstWindowNs: 50n, growth: 2, run: s.run })
    expect(rows).toEqual([...times].reverse().slice(0, 40))
    expect(s.windows).toEqual([[950n, 1000n, 40], [850n, 950n, 35], [650n, 850n, 25], [250n, 650n, 5]])
  })

  it('stops at the start of the range, and starts below a cursor', async () => {
    const s = source(times)
    const rows = await searchNewestFirst({ range: { fromNs: 500n, toNs: 1000n }, want: 1000, upperNs: 600n, firstWindowNs: 50n, run: s.run })
    expect(rows).toEqual(times.filter((t) => t >= 500n && t < 600n).reverse())
    expect(s.windows.at(-1)![0]).toBe(500n)
  })
})
