'use client'
/** Log search: words, service and severity filters in the URL; newest first, paged by cursor. */
import { useRouter, useSearchParams } from 'next/navigation'
import { useEffect, useState } from 'react'
import { apiFetch, apiPath } from '../../api/client.ts'
import type { LogRecord, LogsResponse, ServicesResponse } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { useTimeRange } from '../../lib/use-time-range.ts'
import { Guard } from '../layout/StateViews.tsx'
import { LogLine } from './LogLine.tsx'

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const

export function LogsPage() {
  const router = useRouter()
  const params = useSearchParams()
  const { range, tick, hrefWith } = useTimeRange()
  const q = params.get('q') ?? ''
  const service = params.get('service') ?? ''
  const severity = params.get('severity') ?? ''
  const [text, setText] = useState(q)
  const services = useApi<ServicesResponse>(apiPath('/services', { from: range.fromMs, to: range.toMs }), 0)
  const state = useApi<LogsResponse>(apiPath('/logs', { q, service, severity, from: range.fromMs, to: range.toMs, limit: 200 }), tick)
  const [more, setMore] = useState<{ logs: LogRecord[]; cursor: string | null }>({ logs: [], cursor: null })
  useEffect(() => setMore({ logs: [], cursor: state.data?.nextCursor ?? null }), [state.data])
  const chosen = new Set(severity.split(',').filter(Boolean))
  const go = (changes: Record<string, string | undefined>) => router.push(hrefWith('/logs', changes))
  const loadMore = async () => {
    if (!more.cursor) return
    const result = await apiFetch<LogsResponse>(apiPath('/logs', { q, service, severity, from: range.fromMs, to: range.toMs, limit: 200, cursor: more.cursor }))
    if (result.ok) setMore({ logs: [...more.logs, ...result.data.logs], cursor: result.data.nextCursor })
  }
  return (
    <div data-testid="page-logs">
      <h1>Logs</h1>
      <form
        className="search"
        onSubmit={(e) => {
          e.preventDefault()
          go({ q: text.trim() || undefined })
        }}
      >
        <label>
          Contains
          <input value={text} onChange={(e) => setText(e.target.value)} placeholder="payment declined" size={40} data-testid="logs-q" />
        </label>
        <label>
          Service
          <select value={service} onChange={(e) => go({ service: e.target.value || undefined })} data-testid="logs-service">
            <option value="">any</option>
            {[...new Set([...(services.data?.services.map((s) => s.name) ?? []), ...(service ? [service] : [])])].map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <div className="row" style={{ gap: 6 }} data-testid="logs-severity">
          {LEVELS.map((level) => (
            <label key={level} style={{ flexDirection: 'row', alignItems: 'center', gap: 3 }} className={`sev-${level}`}>
              <input
                type="checkbox"
                checked={chosen.has(level)}
                onChange={(e) => {
                  const next = new Set(chosen)
                  if (e.target.checked) next.add(level)
                  else next.delete(level)
                  go({ severity: [...next].join(',') || undefined })
                }}
              />
              {level}
            </label>
          ))}
        </div>
        <button type="submit" className="primary" data-testid="logs-submit">
          Search
        </button>
      </form>
      <Guard state={state} what="logs" isEmpty={(d) => d.logs.length === 0} empty="No log line matches in this time range.">
        {(data) => (
          <div className="log-lines panel" data-testid="log-lines">
            {[...data.logs, ...more.logs].map((log, i) => (
              <LogLine key={`${log.timeUnixNano}-${i}`} log={log} onOpen={(href) => router.push(href)} />
            ))}
            {more.cursor ? (
              <button type="button" onClick={loadMore} style={{ marginTop: 8 }} data-testid="logs-more">
                Load older
              </button>
            ) : null}
          </div>
        )}
      </Guard>
    </div>
  )
}
