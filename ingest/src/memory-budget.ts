/**
 * A byte budget for the batches ingest holds at once (decoded rows included, approximated by the
 * records' encoded size). Handlers acquire their batch's size before decoding; while the budget is
 * spent, further handlers wait — and the caller pauses their partitions, so the bus stops fetching
 * for them — until earlier batches are written and released.
 *
 * Invariant: `usedBytes` ≤ `maxBytes`, except that one batch larger than the whole budget is
 * admitted when nothing else is held (it cannot be split, and refusing it would stall forever).
 * Waiters are admitted in arrival order, so a large batch is not starved by small ones.
 */

export interface MemoryBudget {
  readonly usedBytes: number
  readonly maxBytes: number
  /** waiters not yet admitted */
  readonly waiting: number
  /** true when `sizeBytes` would be admitted at once */
  fits(sizeBytes: number): boolean
  /** resolves with a release function once `sizeBytes` is admitted; rejects when `signal` aborts */
  acquire(sizeBytes: number, signal?: AbortSignal): Promise<() => void>
}

interface Waiter {
  sizeBytes: number
  admit: () => void
}

export function createMemoryBudget(maxBytes: number): MemoryBudget {
  if (!(maxBytes > 0)) throw new RangeError(`memory budget must be > 0 bytes, got ${maxBytes}`)
  let usedBytes = 0
  const queue: Waiter[] = []

  const admits = (sizeBytes: number): boolean => usedBytes === 0 || usedBytes + sizeBytes <= maxBytes

  const grant = (sizeBytes: number): (() => void) => {
    usedBytes += sizeBytes
    let released = false
    return () => {
      if (released) return
      released = true
      usedBytes -= sizeBytes
      drain()
    }
  }

  const drain = (): void => {
    while (queue.length > 0 && admits(queue[0]!.sizeBytes)) queue.shift()!.admit()
  }

  return {
    get usedBytes() {
      return usedBytes
    },
    maxBytes,
    get waiting() {
      return queue.length
    },
    fits(sizeBytes) {
      return queue.length === 0 && admits(sizeBytes)
    },
    acquire(sizeBytes, signal) {
      if (queue.length === 0 && admits(sizeBytes)) return Promise.resolve(grant(sizeBytes))
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason)
        const waiter: Waiter = {
          sizeBytes,
          admit: () => {
            signal?.removeEventListener('abort', onAbort)
            resolve(grant(sizeBytes))
          },
        }
        const onAbort = (): void => {
          const i = queue.indexOf(waiter)
          if (i >= 0) queue.splice(i, 1)
          reject(signal!.reason)
          drain()
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        queue.push(waiter)
      })
    },
  }
}
