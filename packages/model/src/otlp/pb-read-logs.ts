/** ExportLogsServiceRequest read by hand from protobuf (see pb-reader.ts, pb-read-common.ts). */
import { EMPTY_BYTES } from './pb-common.ts'
import { pushKeyValue, readAnyValue, readContainers } from './pb-read-common.ts'
import type { PbReader } from './pb-reader.ts'
import type { LogRecord, LogsRequest, ResourceLogs } from './types.ts'

/**
 * LogRecord { fixed64 time_unix_nano = 1; fixed64 observed_time_unix_nano = 11; SeverityNumber
 * severity_number = 2; string severity_text = 3; AnyValue body = 5; repeated KeyValue attributes
 * = 6; uint32 dropped_attributes_count = 7; fixed32 flags = 8; bytes trace_id = 9; bytes span_id
 * = 10; string event_name = 12 }
 */
function readLogRecord(r: PbReader, end: number): LogRecord {
  const record: LogRecord = {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    severityNumber: 0,
    severityText: '',
    body: null,
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: EMPTY_BYTES,
    spanId: EMPTY_BYTES,
    eventName: '',
  }
  while (r.pos < end) {
    const tag = r.tag(end)
    switch (tag) {
      case 0x09:
        record.timeUnixNano = r.fixed64(end)
        break
      case 0x59:
        record.observedTimeUnixNano = r.fixed64(end)
        break
      case 0x10:
        record.severityNumber = r.int32(end)
        break
      case 0x1a:
        record.severityText = r.string(end)
        break
      case 0x2a:
        record.body = readAnyValue(r, r.delimitedEnd(end), 0)
        break
      case 0x32:
        pushKeyValue(r, end, record.attributes)
        break
      case 0x38:
        record.droppedAttributesCount = r.uint32(end)
        break
      case 0x45:
        record.flags = r.fixed32(end)
        break
      case 0x4a:
        record.traceId = r.bytes(end)
        break
      case 0x52:
        record.spanId = r.bytes(end)
        break
      case 0x62:
        record.eventName = r.string(end)
        break
      default:
        r.skip(tag, end)
    }
  }
  return record
}

export function readLogsRequest(r: PbReader): LogsRequest {
  return { resourceLogs: readContainers(r, 'scopeLogs', 'logRecords', readLogRecord) as ResourceLogs[] }
}
