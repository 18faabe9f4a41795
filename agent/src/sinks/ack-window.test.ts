import { describe, expect, it } from 'vitest'
import { createAckWindow } from './ack-window.ts'

describe('ack window', () => {
  it('hands out only the contiguous completed prefix, whatever order entries complete in', () => {
    const window = createAckWindow<string>({ maxEntries: 4, maxBytes: 1000 })
    for (const id of [1, 2, 3, 4]) window.add(id, `e${id}`, 10)
    window.complete(3)
    window.complete(2)
    // entry 1 is still in flight: nothing may be acknowledged, not even 2 and 3
    expect(window.completedPrefix()).toEqual([])
    window.complete(1)
    expect(window.completedPrefix().map((e) => e.id)).toEqual([1, 2, 3])
    // handed out but not released: still held, still counted
    expect(window.size).toBe(4)
    window.release(3)
    expect(window.size).toBe(1)
    expect(window.completedPrefix()).toEqual([])
    window.complete(4, 'e4 meta')
    expect(window.completedPrefix()).toEqual([{ id: 4, value: 'e4 meta' }])
  })

  it('bounds entries held and bytes in flight, and always admits one entry into an empty window', () => {
    const window = createAckWindow<null>({ maxEntries: 3, maxBytes: 100 })
    expect(window.hasRoom()).toBe(true)
    window.add(1, null, 500)
    // one entry larger than maxBytes is admitted alone, and nothing after it while it flies
    expect(window.hasRoom()).toBe(false)
    window.complete(1)
    // completed: its bytes are released though it is still held until acknowledged
    expect(window.inFlightBytes).toBe(0)
    expect(window.hasRoom()).toBe(true)
    window.add(2, null, 40)
    window.add(3, null, 40)
    expect(window.inFlight).toBe(2)
    // three held (one completed, two in flight): the entry bound is reached before the byte bound
    expect(window.hasRoom()).toBe(false)
    window.release(1)
    expect(window.hasRoom()).toBe(true)
    window.add(4, null, 40)
    // 120 bytes in flight ≥ 100 and 3 held
    expect(window.inFlightBytes).toBe(120)
    expect(window.hasRoom()).toBe(false)
  })

  it('refuses misuse: ids out of order, a double completion, releasing an entry in flight, overfilling', () => {
    const window = createAckWindow<null>({ maxEntries: 2, maxBytes: 100 })
    window.add(5, null, 1)
    expect(() => window.add(5, null, 1)).toThrow(/ids must increase/)
    window.add(6, null, 1)
    expect(() => window.add(7, null, 1)).toThrow(/window full/)
    window.complete(6)
    expect(() => window.complete(6)).toThrow(/twice/)
    expect(() => window.release(1)).toThrow(/in flight/)
    expect(() => window.complete(9)).toThrow(/not in the window/)
    expect(() => createAckWindow({ maxEntries: 0, maxBytes: 1 })).toThrow(RangeError)
  })
})
