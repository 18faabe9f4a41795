/** In-memory LogsRequest -> protobufjs message objects, for encoding (pb-read-logs.ts decodes). */
import { anyValueToPb, keyValuesToPb, resourceToPb, scopeToPb, setIf, type PbObject } from './pb-common.ts'
import type { LogRecord, LogsRequest } from './types.ts'

function logRecordToPb(r: LogRecord): PbObject {
  const o: PbObject = { attributes: keyValuesToPb(r.attributes) }
  setIf(o, 'timeUnixNano', r.timeUnixNano)
  setIf(o, 'observedTimeUnixNano', r.observedTimeUnixNano)
  setIf(o, 'severityNumber', r.severityNumber)
  setIf(o, 'severityText', r.severityText)
  if (r.body !== null) o.body = anyValueToPb(r.body)
  setIf(o, 'droppedAttributesCount', r.droppedAttributesCount)
  setIf(o, 'flags', r.flags)
  setIf(o, 'traceId', r.traceId)
  setIf(o, 'spanId', r.spanId)
  setIf(o, 'eventName', r.eventName)
  return o
}

export function logsToPb(req: LogsRequest): PbObject {
  return {
    resourceLogs: req.resourceLogs.map((rl) => {
      const o: PbObject = {
        scopeLogs: rl.scopeLogs.map((sl) => {
          const so: PbObject = { logRecords: sl.logRecords.map(logRecordToPb) }
          const scope = scopeToPb(sl.scope)
          if (scope !== undefined) so.scope = scope
          setIf(so, 'schemaUrl', sl.schemaUrl)
          return so
        }),
      }
      const resource = resourceToPb(rl.resource)
      if (resource !== undefined) o.resource = resource
      setIf(o, 'schemaUrl', rl.schemaUrl)
      return o
    }),
  }
}
