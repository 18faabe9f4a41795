/**
 * LogsRequest -> otel_logs rows (see rows.ts for the column invariants).
 * Normalisation: Timestamp falls back to ObservedTimestamp when the record has no time;
 * SeverityText is derived from SeverityNumber when empty and SeverityNumber from SeverityText when
 * 0 (see severity.ts); all-zero trace/span ids are written as absent ('').
 */
import { bytesToHex, isAllZero } from '../hex.ts'
import type { LogsRequest } from '../otlp/types.ts'
import type { ItemRejection } from '../result.ts'
import type { LogRow } from '../rows.ts'
import { severityNumberOf, severityTextOf } from '../severity.ts'
import { logRecordProblem, TOO_DEEP } from '../validate.ts'
import { bodyText, flattenAttributes } from './any-value.ts'
import { resourceCols, scopeCols } from './resource-columns.ts'

function recordPath(i: number, j: number, k: number, field: string): string {
  return `resourceLogs[${i}].scopeLogs[${j}].logRecords[${k}]${field === '' ? '' : `.${field}`}`
}

function idHex(id: Uint8Array): string {
  return id.length === 0 || isAllZero(id) ? '' : bytesToHex(id)
}

export function logRows(req: LogsRequest, tenantId: string): { rows: LogRow[]; rejected: ItemRejection[] } {
  const rows: LogRow[] = []
  const rejected: ItemRejection[] = []
  const rls = req.resourceLogs
  for (let i = 0; i < rls.length; i++) {
    const rl = rls[i]!
    const rc = resourceCols(tenantId, rl.resource, rl.schemaUrl)
    for (let j = 0; j < rl.scopeLogs.length; j++) {
      const sl = rl.scopeLogs[j]!
      const sc = rc === null ? null : scopeCols(sl.scope)
      const records = sl.logRecords
      for (let k = 0; k < records.length; k++) {
        const r = records[k]!
        if (rc === null || sc === null) {
          rejected.push({ path: recordPath(i, j, k, ''), reason: `${rc === null ? 'resource' : 'scope'} attributes: ${TOO_DEEP}` })
          continue
        }
        const problem = logRecordProblem(r)
        if (problem !== null) {
          rejected.push({ path: recordPath(i, j, k, problem.field), reason: problem.reason })
          continue
        }
        rows.push({
          TenantId: rc.TenantId,
          ServiceName: rc.ServiceName,
          ResourceAttributes: rc.ResourceAttributes,
          ResourceSchemaUrl: rc.ResourceSchemaUrl,
          ScopeName: sc.ScopeName,
          ScopeVersion: sc.ScopeVersion,
          ScopeAttributes: sc.ScopeAttributes,
          Timestamp: r.timeUnixNano !== 0n ? r.timeUnixNano : r.observedTimeUnixNano,
          ObservedTimestamp: r.observedTimeUnixNano,
          TraceId: idHex(r.traceId),
          SpanId: idHex(r.spanId),
          TraceFlags: r.flags & 0xff,
          SeverityText: r.severityText !== '' ? r.severityText : severityTextOf(r.severityNumber),
          SeverityNumber: r.severityNumber !== 0 ? r.severityNumber : severityNumberOf(r.severityText),
          // logRecordProblem has checked the nesting depth, so neither can fail
          Body: bodyText(r.body)!,
          EventName: r.eventName,
          LogAttributes: flattenAttributes(r.attributes)!,
          DroppedAttributesCount: r.droppedAttributesCount,
        })
      }
    }
  }
  return { rows, rejected }
}
