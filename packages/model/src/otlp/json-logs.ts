/** ExportLogsServiceRequest: OTLP/JSON (parsed) <-> in-memory LogsRequest. */
import { anyValueAt, arr, enumOf, fail, hexId, keyValues, obj, resource, scope, str, u32, u64, type JsonObject } from './json-common.ts'
import { anyValueToJson, keyValuesToJson, resourceToJson, scopeToJson, setHex, setJ } from './json-encode-common.ts'
import type { LogRecord, LogsRequest, ResourceLogs, ScopeLogs } from './types.ts'

/** SeverityNumber enum names: SEVERITY_NUMBER_UNSPECIFIED = 0, SEVERITY_NUMBER_TRACE = 1 ... FATAL4 = 24 */
export const SEVERITY_NUMBER_NAMES: Readonly<Record<string, number>> = (() => {
  const names: Record<string, number> = { SEVERITY_NUMBER_UNSPECIFIED: 0 }
  const levels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']
  levels.forEach((level, i) => {
    names[`SEVERITY_NUMBER_${level}`] = i * 4 + 1
    for (let n = 2; n <= 4; n++) names[`SEVERITY_NUMBER_${level}${n}`] = i * 4 + n
  })
  return names
})()

function item(v: unknown, key: string): JsonObject {
  const o = obj(v, '', key)
  if (o === null) fail('', key, 'expected an object')
  return o
}

function logRecordFromJson(o: JsonObject, p: string): LogRecord {
  return {
    timeUnixNano: u64(o.timeUnixNano, p, 'timeUnixNano'),
    observedTimeUnixNano: u64(o.observedTimeUnixNano, p, 'observedTimeUnixNano'),
    severityNumber: enumOf(o.severityNumber, p, 'severityNumber', SEVERITY_NUMBER_NAMES),
    severityText: str(o.severityText, p, 'severityText'),
    body: o.body === undefined || o.body === null ? null : anyValueAt(o.body, p, 'body', -1, '', 0),
    attributes: keyValues(o.attributes, p, 'attributes'),
    droppedAttributesCount: u32(o.droppedAttributesCount, p, 'droppedAttributesCount'),
    flags: u32(o.flags, p, 'flags'),
    traceId: hexId(o.traceId, p, 'traceId'),
    spanId: hexId(o.spanId, p, 'spanId'),
    eventName: str(o.eventName, p, 'eventName'),
  }
}

export function logsFromJson(root: unknown): LogsRequest {
  const top = obj(root, '', '')
  if (top === null) fail('', '', 'expected an ExportLogsServiceRequest object')
  const rls = arr(top.resourceLogs, '', 'resourceLogs')
  const resourceLogs: ResourceLogs[] = new Array(rls.length)
  for (let i = 0; i < rls.length; i++) {
    const rp = `resourceLogs[${i}]`
    const rl = item(rls[i], rp)
    const sls = arr(rl.scopeLogs, rp, 'scopeLogs')
    const scopeLogs: ScopeLogs[] = new Array(sls.length)
    for (let j = 0; j < sls.length; j++) {
      const sp = `${rp}.scopeLogs[${j}]`
      const sl = item(sls[j], sp)
      const list = arr(sl.logRecords, sp, 'logRecords')
      const logRecords: LogRecord[] = new Array(list.length)
      for (let k = 0; k < list.length; k++) {
        const p = `${sp}.logRecords[${k}]`
        logRecords[k] = logRecordFromJson(item(list[k], p), p)
      }
      scopeLogs[j] = { scope: scope(sl.scope, sp, 'scope'), logRecords, schemaUrl: str(sl.schemaUrl, sp, 'schemaUrl') }
    }
    resourceLogs[i] = { resource: resource(rl.resource, rp, 'resource'), scopeLogs, schemaUrl: str(rl.schemaUrl, rp, 'schemaUrl') }
  }
  return { resourceLogs }
}

function logRecordToJson(r: LogRecord): JsonObject {
  const o: JsonObject = {}
  setJ(o, 'timeUnixNano', r.timeUnixNano)
  setJ(o, 'observedTimeUnixNano', r.observedTimeUnixNano)
  setJ(o, 'severityNumber', r.severityNumber)
  setJ(o, 'severityText', r.severityText)
  if (r.body !== null) o.body = anyValueToJson(r.body)
  o.attributes = keyValuesToJson(r.attributes)
  setJ(o, 'droppedAttributesCount', r.droppedAttributesCount)
  setJ(o, 'flags', r.flags)
  setHex(o, 'traceId', r.traceId)
  setHex(o, 'spanId', r.spanId)
  setJ(o, 'eventName', r.eventName)
  return o
}

export function logsToJson(req: LogsRequest): JsonObject {
  return {
    resourceLogs: req.resourceLogs.map((rl) => {
      const o: JsonObject = {}
      const r = resourceToJson(rl.resource)
      if (r !== undefined) o.resource = r
      o.scopeLogs = rl.scopeLogs.map((sl) => {
        const so: JsonObject = {}
        const sc = scopeToJson(sl.scope)
        if (sc !== undefined) so.scope = sc
        so.logRecords = sl.logRecords.map(logRecordToJson)
        setJ(so, 'schemaUrl', sl.schemaUrl)
        return so
      })
      setJ(o, 'schemaUrl', rl.schemaUrl)
      return o
    }),
  }
}
