/** A log line of the trace, shown inline under its span at the span's depth. */
import type { LogRecord } from '../../api/types.ts'
import { formatDurationNs } from '../../lib/format.ts'
import { severityClass } from '../../lib/severity.ts'

export function LogRow({ log, depth, offsetNs, onSelect }: { log: LogRecord; depth: number; offsetNs: bigint; onSelect: () => void }) {
  return (
    <div className="log-row" data-testid="inline-log" onClick={onSelect}>
      <div className="span-name" style={{ paddingLeft: depth * 14 + 36 }}>
        <span className={`sev ${severityClass(log.severityText, log.severityNumber)}`}>{log.severityText || String(log.severityNumber)}</span>
        <span className="muted">+{formatDurationNs(offsetNs)}</span>
      </div>
      <div className="log-body" title={log.body.slice(0, 2000)}>
        {log.body}
      </div>
    </div>
  )
}
