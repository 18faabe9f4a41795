/**
 * The life of one alert series, pure:
 *
 *   ok ──active──▶ pending ──active for `forMs`──▶ firing ──inactive──▶ ok (resolved)
 *    ▲                │ inactive (cleared)            (forMs = 0: ok ──active──▶ firing)
 *    └────────────────┘
 *
 * `sinceMs` is when the series entered its state; a pending series fires at the first
 * evaluation at least `forMs` after it became pending — measured from the persisted `since`, so
 * an evaluator restart neither restarts nor skips the for-duration. Only `firing` and
 * `resolved` are notified; `pending` and `cleared` are recorded in alert_state only.
 */

export type AlertStateName = 'ok' | 'pending' | 'firing'

export type TransitionKind = 'none' | 'pending' | 'firing' | 'resolved' | 'cleared'

export interface SeriesState {
  readonly state: AlertStateName
  readonly sinceMs: number
}

export interface NextState extends SeriesState {
  readonly transition: TransitionKind
}

export function nextState(previous: SeriesState | undefined, active: boolean, nowMs: number, forMs: number): NextState {
  const current = previous ?? { state: 'ok' as const, sinceMs: nowMs }
  switch (current.state) {
    case 'ok':
      if (!active) return { ...current, transition: 'none' }
      return forMs <= 0 ? { state: 'firing', sinceMs: nowMs, transition: 'firing' } : { state: 'pending', sinceMs: nowMs, transition: 'pending' }
    case 'pending':
      if (!active) return { state: 'ok', sinceMs: nowMs, transition: 'cleared' }
      return nowMs - current.sinceMs >= forMs ? { state: 'firing', sinceMs: nowMs, transition: 'firing' } : { ...current, transition: 'none' }
    case 'firing':
      return active ? { ...current, transition: 'none' } : { state: 'ok', sinceMs: nowMs, transition: 'resolved' }
  }
}
