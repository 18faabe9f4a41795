/**
 * The sink's window of buffer entries in flight, for several requests at once with
 * acknowledgements still in entry order.
 *
 * Entries enter in buffer order (ids strictly increasing) and complete in any order (the
 * collector answers whichever request first). Only the contiguous prefix of completed entries
 * at the head of the window is handed out for acknowledgement: an entry completed before an
 * earlier one waits until every earlier entry completed too. Entries stay held until released
 * after their acknowledgement, so at most `maxEntries` entries were sent and not yet recorded as
 * acknowledged — the most a crash can make the agent send twice. The sink saves checkpoints and acknowledges the DiskBuffer (which
 * acknowledges cumulatively, every id ≤ the one given) only for what it took, so neither moves
 * past an entry the collector has not acknowledged; a crash then replays that entry (and the
 * later ones already delivered: duplicates, never loss).
 *
 * Bounds: at most `maxEntries` entries are held (in flight, completed and waiting for an earlier
 * one, or being acknowledged), and a new entry is admitted only while the bytes of those still in flight are below
 * `maxBytes` — so in-flight bytes stay below maxBytes + one entry. An empty window always admits
 * one entry, whatever its size. A completed entry's bytes are released at once (the sink keeps
 * only its small metadata until it is taken).
 */

export interface AckWindowOptions {
  maxEntries: number
  maxBytes: number
}

export interface AckWindow<T> {
  /** entries held: in flight plus completed ones waiting for an earlier entry */
  readonly size: number
  readonly inFlight: number
  readonly inFlightBytes: number
  /** true when one more entry may be admitted now */
  hasRoom(): boolean
  /** admits entry `id` (greater than every id admitted before) holding `bytes` */
  add(id: number, value: T, bytes: number): void
  /** marks `id` completed (acknowledged or permanently dropped); `value` replaces what it holds */
  complete(id: number, value?: T): void
  /**
   * the completed entries at the head, oldest first (empty when the head is in flight); they stay
   * held (and counted in `size`) until `release`
   */
  completedPrefix(): Array<{ id: number; value: T }>
  /** forgets the `count` oldest entries, which must be completed (after they were acknowledged) */
  release(count: number): void
}

interface Slot<T> {
  id: number
  value: T
  bytes: number
  completed: boolean
}

export function createAckWindow<T>(options: AckWindowOptions): AckWindow<T> {
  if (!(options.maxEntries >= 1)) throw new RangeError(`maxEntries must be ≥ 1, got ${options.maxEntries}`)
  // oldest first; at most maxEntries long, so linear scans are cheap
  const slots: Slot<T>[] = []
  let inFlight = 0
  let inFlightBytes = 0
  let lastId = Number.NEGATIVE_INFINITY

  return {
    get size() {
      return slots.length
    },
    get inFlight() {
      return inFlight
    },
    get inFlightBytes() {
      return inFlightBytes
    },
    hasRoom() {
      return slots.length === 0 || (slots.length < options.maxEntries && inFlightBytes < options.maxBytes)
    },
    add(id, value, bytes) {
      if (id <= lastId) throw new Error(`entry ${id} admitted after entry ${lastId}: ids must increase`)
      if (slots.length >= options.maxEntries) throw new Error(`window full (${slots.length} entries): check hasRoom() first`)
      lastId = id
      slots.push({ id, value, bytes, completed: false })
      inFlight++
      inFlightBytes += bytes
    },
    complete(id, value) {
      const slot = slots.find((s) => s.id === id)
      if (!slot) throw new Error(`entry ${id} is not in the window`)
      if (slot.completed) throw new Error(`entry ${id} completed twice`)
      slot.completed = true
      if (value !== undefined) slot.value = value
      inFlight--
      inFlightBytes -= slot.bytes
    },
    completedPrefix() {
      const prefix: Array<{ id: number; value: T }> = []
      for (const slot of slots) {
        if (!slot.completed) break
        prefix.push({ id: slot.id, value: slot.value })
      }
      return prefix
    },
    release(count) {
      for (let i = 0; i < count; i++) {
        if (!slots[i]?.completed) throw new Error(`release of ${count} entries, but entry ${i} of the window is ${slots[i] ? 'in flight' : 'missing'}`)
      }
      slots.splice(0, count)
    },
  }
}
