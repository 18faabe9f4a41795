/**
 * One log record's text → an OTLP LogRecord, by format:
 *   json    a JSON object per line; well-known fields become the record's time (time, timestamp,
 *           ts, @timestamp), severity (level, severity, lvl, log.level) and body (msg, message);
 *           trace context is lifted by `enrich`; the other fields become attributes.
 *   logfmt  key=value pairs, same field mapping.
 *   text    the text is the body; a level word near the start sets the severity.
 *   auto    json when the text starts with '{' and parses, logfmt when it starts with `key=`,
 *           text otherwise.
 * A record that claims a format but does not parse falls back to text: a line is never lost
 * because it was malformed.
 */
import type { LogRecord } from '@periscope/model'
import { toAnyValue, toKeyValues } from '../../transforms/any-value.ts'
import { liftTraceContext } from '../../transforms/enrich.ts'
import { looksLikeLogfmt, parseLogfmt } from './logfmt.ts'
import { severityFromText, severityFromValue } from './severity.ts'
import { parseTimestampNs } from './timestamp.ts'

export type LineFormat = 'auto' | 'json' | 'logfmt' | 'text'

const TIME_KEYS = ['time', 'timestamp', 'ts', '@timestamp', 'date'] as const
const LEVEL_KEYS = ['level', 'severity', 'lvl', 'log.level', 'loglevel'] as const
const BODY_KEYS = ['msg', 'message', 'log'] as const
const EMPTY = new Uint8Array(0)

export function parseLine(text: string, format: LineFormat, observedNs: bigint): LogRecord {
  if (format === 'json' || (format === 'auto' && text.charCodeAt(0) === 123 /* { */)) {
    let fields: unknown
    try {
      fields = JSON.parse(text)
    } catch {
      fields = undefined
    }
    if (fields !== null && typeof fields === 'object' && !Array.isArray(fields)) {
      return fromFields(fields as Record<string, unknown>, text, observedNs)
    }
  } else if (format === 'logfmt' || (format === 'auto' && looksLikeLogfmt(text))) {
    const fields = parseLogfmt(text)
    if (fields) return fromFields(fields, text, observedNs)
  }
  return textRecord(text, observedNs)
}

function textRecord(text: string, observedNs: bigint): LogRecord {
  const severity = severityFromText(text)
  return {
    timeUnixNano: 0n,
    observedTimeUnixNano: observedNs,
    severityNumber: severity?.number ?? 0,
    severityText: severity?.text ?? '',
    body: { type: 'string', value: text },
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: EMPTY,
    spanId: EMPTY,
    eventName: '',
  }
}

function takeFirst(fields: Record<string, unknown>, keys: readonly string[], accept: (v: unknown) => boolean): unknown {
  for (const key of keys) {
    const value = fields[key]
    if (value !== undefined && accept(value)) {
      fields[key] = undefined
      return value
    }
  }
  return undefined
}

function fromFields(fields: Record<string, unknown>, text: string, observedNs: bigint): LogRecord {
  const trace = liftTraceContext(fields)
  let timeNs = 0n
  for (const key of TIME_KEYS) {
    const value = fields[key]
    if (value === undefined) continue
    const parsed = parseTimestampNs(value)
    if (parsed !== undefined) {
      timeNs = parsed
      fields[key] = undefined
      break
    }
  }
  const levelValue = takeFirst(fields, LEVEL_KEYS, (v) => severityFromValue(v) !== undefined)
  const severity = levelValue === undefined ? undefined : severityFromValue(levelValue)
  const bodyValue = takeFirst(fields, BODY_KEYS, (v) => typeof v === 'string')
  return {
    timeUnixNano: timeNs,
    observedTimeUnixNano: observedNs,
    severityNumber: severity?.number ?? 0,
    severityText: severity?.text ?? '',
    // without a message field the whole line is the body, so a search on the text still finds it
    body: bodyValue === undefined ? { type: 'string', value: text } : toAnyValue(bodyValue),
    attributes: toKeyValues(fields),
    droppedAttributesCount: 0,
    flags: trace.flags,
    traceId: trace.traceId,
    spanId: trace.spanId,
    eventName: '',
  }
}

export { EMPTY as EMPTY_ID }
