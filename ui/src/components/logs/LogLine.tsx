'use client'
/** One log line; the whole line opens its trace at its span (when it has one). */
import Link from 'next/link'
import type { LogRecord } from '../../api/types.ts'
import { formatTimeNs } from '../../lib/format.ts'
import { serviceColor } from '../../lib/service-colors.ts'
import { severityClass } from '../../lib/severity.ts'
import { traceHref } from '../../lib/trace-href.ts'

export function LogLine({ log, onOpen }: { log: LogRecord; onOpen: (href: string) => void }) {
  const href = traceHref(log.traceId, log.spanId)
  return (
    <div className="log-line" data-testid="log-line" data-trace-id={log.traceId} onClick={() => href && onOpen(href)} style={href ? undefined : { cursor: 'default' }}>
      <span className="muted">{formatTimeNs(log.timeUnixNano)}</span>
      <span className={`sev ${severityClass(log.severityText, log.severityNumber)}`}>{log.severityText || log.severityNumber}</span>
      <span className="svc" title={log.service}>
        <span className="swatch" style={{ background: serviceColor(log.service) }} />
        {log.service}
      </span>
      <span className="body" data-testid="log-body">
        {log.body}
      </span>
      <span>
        {href ? (
          <Link href={href} data-testid="log-trace-link" onClick={(e) => e.stopPropagation()}>
            trace ↗
          </Link>
        ) : (
          <span className="muted">no trace</span>
        )}
      </span>
    </div>
  )
}
