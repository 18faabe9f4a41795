/**
 * Per-channel pacing: at most one send per `minIntervalMs` to one channel (Slack allows about
 * one message per second per incoming webhook), and none before a time the destination asked
 * for (a 429's Retry-After). Concurrent deliveries to one channel take consecutive slots, so
 * the spacing holds however many alerts fire at once. In-process: only the evaluator that holds
 * a delivery's lease sends it, so one process paces each send.
 *
 * Bounded: at most `maxChannels` entries; entries whose slot has passed are dropped first.
 */

export interface ChannelPacer {
  /** waits for the channel's next free slot and takes it */
  take(channelKey: string, signal?: AbortSignal): Promise<void>
  /** no send to the channel before `atMs` */
  holdUntil(channelKey: string, atMs: number): void
}

export interface ChannelPacerOptions {
  readonly minIntervalMs: number
  readonly nowMs: () => number
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  readonly maxChannels?: number
}

export function createChannelPacer(options: ChannelPacerOptions): ChannelPacer {
  const maxChannels = options.maxChannels ?? 10_000
  /** channel → earliest time of its next send, unix ms */
  const nextMs = new Map<string, number>()

  const prune = (now: number) => {
    if (nextMs.size < maxChannels) return
    for (const [key, at] of nextMs) if (at <= now) nextMs.delete(key)
    // still full of future slots: forget the oldest entries (pacing is best-effort beyond this)
    for (const key of nextMs.keys()) {
      if (nextMs.size < maxChannels) break
      nextMs.delete(key)
    }
  }

  return {
    async take(channelKey, signal) {
      const now = options.nowMs()
      const slot = Math.max(now, nextMs.get(channelKey) ?? 0)
      prune(now)
      nextMs.set(channelKey, slot + options.minIntervalMs)
      if (slot > now) await options.sleep(slot - now, signal)
    },
    holdUntil(channelKey, atMs) {
      prune(options.nowMs())
      nextMs.set(channelKey, Math.max(atMs, nextMs.get(channelKey) ?? 0))
    },
  }
}
