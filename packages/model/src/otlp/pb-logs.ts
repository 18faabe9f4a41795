/** ExportLogsServiceRequest: protobufjs message objects <-> in-memory LogsRequest. */
import {
  anyValueFromPb,
  anyValueToPb,
  bytesFromPb,
  keyValuesFromPb,
  keyValuesToPb,
  resourceFromPb,
  resourceToPb,
  scopeFromPb,
  scopeToPb,
  setIf,
  u64,
  type LongLike,
  type PbObject,
} from './pb-common.ts'
import type { LogRecord, LogsRequest, ResourceLogs, ScopeLogs } from './types.ts'

const hasOwn = Object.prototype.hasOwnProperty

function logRecordFromPb(m: PbObject): LogRecord {
  return {
    timeUnixNano: u64(m.timeUnixNano as LongLike),
    observedTimeUnixNano: u64(m.observedTimeUnixNano as LongLike),
    severityNumber: m.severityNumber as number,
    severityText: m.severityText as string,
    body: hasOwn.call(m, 'body') ? anyValueFromPb(m.body as PbObject) : null,
    attributes: keyValuesFromPb(m.attributes as PbObject[]),
    droppedAttributesCount: m.droppedAttributesCount as number,
    flags: m.flags as number,
    traceId: bytesFromPb(m, 'traceId'),
    spanId: bytesFromPb(m, 'spanId'),
    eventName: m.eventName as string,
  }
}

export function logsFromPb(m: PbObject): LogsRequest {
  const rls = m.resourceLogs as PbObject[]
  const resourceLogs: ResourceLogs[] = new Array(rls.length)
  for (let i = 0; i < rls.length; i++) {
    const rl = rls[i]!
    const sls = rl.scopeLogs as PbObject[]
    const scopeLogs: ScopeLogs[] = new Array(sls.length)
    for (let j = 0; j < sls.length; j++) {
      const sl = sls[j]!
      const pbRecords = sl.logRecords as PbObject[]
      const logRecords: LogRecord[] = new Array(pbRecords.length)
      for (let k = 0; k < pbRecords.length; k++) logRecords[k] = logRecordFromPb(pbRecords[k]!)
      scopeLogs[j] = { scope: scopeFromPb(sl.scope as PbObject | null), logRecords, schemaUrl: sl.schemaUrl as string }
    }
    resourceLogs[i] = { resource: resourceFromPb(rl.resource as PbObject | null), scopeLogs, schemaUrl: rl.schemaUrl as string }
  }
  return { resourceLogs }
}

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
