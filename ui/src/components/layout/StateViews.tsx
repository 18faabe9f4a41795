/** Loading, empty and error states, the same on every page. */
import type { ReactNode } from 'react'

export function Loading({ what }: { what: string }) {
  return (
    <div className="state" data-testid="state-loading" role="status">
      Loading {what}…
    </div>
  )
}

export function Empty({ children, hint }: { children: ReactNode; hint?: ReactNode }) {
  return (
    <div className="state" data-testid="state-empty">
      {children}
      {hint ? <span className="hint">{hint}</span> : null}
    </div>
  )
}

/**
 * A failed load. `pendingRoute` marks a page built against routes that may not be deployed yet
 * (the SLO and alert routes): their 404 says so instead of reading as a broken page.
 */
export function ErrorState({ error, what, pendingRoute = false }: { error: { status: number; message: string }; what: string; pendingRoute?: boolean }) {
  const notDeployed = pendingRoute && error.status === 404
  return (
    <div className="state error" data-testid="state-error" role="alert">
      {notDeployed ? `${what}: not available from the query API` : error.status === 404 ? `Not found: ${error.message}` : `Could not load ${what}: ${error.message}`}
      <span className="hint">
        {error.status ? `HTTP ${error.status}` : 'no answer'}
        {notDeployed ? ' — this part of the API is not deployed yet' : ''}
      </span>
    </div>
  )
}

/** One of the three states, or the content when there is data. */
export function Guard<T>(props: { state: { data: T | undefined; error?: { status: number; message: string } | undefined; loading: boolean }; what: string; isEmpty?: (data: T) => boolean; empty?: ReactNode; children: (data: T) => ReactNode }) {
  const { state, what } = props
  if (state.error) return <ErrorState error={state.error} what={what} />
  if (state.data === undefined) return state.loading ? <Loading what={what} /> : <Empty>No {what}.</Empty>
  if (props.isEmpty?.(state.data)) return <Empty>{props.empty ?? `No ${what} in this time range.`}</Empty>
  return <>{props.children(state.data)}</>
}
