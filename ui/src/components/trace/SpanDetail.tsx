/** The selected span: timing, status, attributes, resource, events, links and its logs. */
import Link from 'next/link'
import type { LogRecord } from '../../api/types.ts'
import { formatDurationNs, formatTimeNs } from '../../lib/format.ts'
import { serviceColor } from '../../lib/service-colors.ts'
import { severityClass } from '../../lib/severity.ts'
import { traceHref } from '../../lib/trace-href.ts'
import type { ModelSpan } from '../../lib/trace-model.ts'
import { AttributeTable } from './AttributeTable.tsx'

export function SpanDetail({ span, traceStartNs, logs, onClose }: { span: ModelSpan; traceStartNs: bigint; logs: readonly LogRecord[]; onClose: () => void }) {
  const raw = span.raw
  return (
    <aside className="detail" data-testid="span-detail">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <span>
          <span className="swatch" style={{ background: serviceColor(span.service) }} />
          {span.service}
        </span>
        <button type="button" onClick={onClose} aria-label="close" data-testid="span-detail-close">
          ✕
        </button>
      </div>
      <h3 data-testid="span-detail-name">{span.name}</h3>
      <table className="kv">
        <tbody>
          <tr><td className="k">duration</td><td>{formatDurationNs(span.durationNs)}</td></tr>
          <tr><td className="k">start</td><td>+{formatDurationNs(span.startNs - traceStartNs)} ({formatTimeNs(raw.startTimeUnixNano)} UTC)</td></tr>
          <tr><td className="k">kind</td><td>{raw.kind}</td></tr>
          <tr>
            <td className="k">status</td>
            <td className={span.isError ? 'bad' : undefined}>
              {raw.statusCode}
              {raw.statusMessage ? `: ${raw.statusMessage}` : ''}
            </td>
          </tr>
          <tr><td className="k">span id</td><td className="mono">{raw.spanId}</td></tr>
          <tr><td className="k">parent</td><td className="mono">{raw.parentSpanId || '(root)'}</td></tr>
        </tbody>
      </table>
      <h4>Attributes</h4>
      <AttributeTable attributes={raw.attributes} testid="span-attributes" />
      <h4>Resource</h4>
      <AttributeTable attributes={raw.resource} />
      <h4>Events ({raw.events.length})</h4>
      {raw.events.length === 0 ? <div className="muted">none</div> : null}
      {raw.events.map((e, i) => (
        <div key={i} style={{ marginBottom: 6 }}>
          <div>
            <b>{e.name}</b> <span className="muted">+{formatDurationNs(BigInt(e.timeUnixNano) - span.startNs)}</span>
          </div>
          <AttributeTable attributes={e.attributes} />
        </div>
      ))}
      <h4>Links ({raw.links?.length ?? 0})</h4>
      {(raw.links ?? []).length === 0 ? <div className="muted">none</div> : null}
      {(raw.links ?? []).map((l, i) => {
        const href = traceHref(l.traceId, l.spanId)
        return (
          <div key={i} className="mono" style={{ wordBreak: 'break-all' }}>
            {href ? <Link href={href}>{l.traceId.slice(0, 16)}…</Link> : <span data-testid="link-not-a-trace">{l.traceId}</span>} / {l.spanId}
            <AttributeTable attributes={l.attributes} />
          </div>
        )
      })}
      <h4>Logs ({logs.length})</h4>
      {logs.length === 0 ? <div className="muted">none</div> : null}
      {logs.map((log, i) => (
        <div key={i} className="mono" style={{ marginBottom: 4, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="span-detail-log">
          <span className="muted">+{formatDurationNs(BigInt(log.timeUnixNano) - span.startNs)} </span>
          <span className={`sev ${severityClass(log.severityText, log.severityNumber)}`}>{log.severityText}</span>
          {log.body}
        </div>
      ))}
    </aside>
  )
}
