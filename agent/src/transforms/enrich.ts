/**
 * The `enrich` transform: correlation and context for log records.
 *
 * - Trace context: a log line that carries `trace_id`/`span_id` (or the common aliases traceId,
 *   trace.id, traceID, spanId, span.id, spanID, nested `trace: { id }` / `span: { id }`) gets them
 *   lifted into the record's TraceId/SpanId, so the UI can jump from a log to its trace. Only
 *   well-formed ids are lifted (32 / 16 hex digits, not all zeros); a malformed one stays an
 *   ordinary attribute so nothing is lost. `trace_flags`/`traceFlags` fill the record's flags.
 * - Resource: host attributes (host.name, os.type) and, for container logs, the Kubernetes
 *   attributes from the pod log path are added to every record's resource.
 */
import type { KeyValue } from '@periscope/model'
import { stringAttribute } from './any-value.ts'

const TRACE_ID_KEYS = ['trace_id', 'traceId', 'trace.id', 'traceID', 'traceid'] as const
const SPAN_ID_KEYS = ['span_id', 'spanId', 'span.id', 'spanID', 'spanid'] as const
const FLAGS_KEYS = ['trace_flags', 'traceFlags', 'trace.flags'] as const

export interface TraceContext {
  traceId: Uint8Array
  spanId: Uint8Array
  flags: number
}

const EMPTY = new Uint8Array(0)

/** the value of one hex digit's char code, or -1 */
function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48
  const lower = code | 0x20
  return lower >= 97 && lower <= 102 ? lower - 87 : -1
}

/**
 * Lowercase or uppercase hex of exactly `byteLength` bytes, not all zeros → bytes; else undefined.
 * Decoded by hand into a fresh array: called for two ids of every log line, where a regex test
 * plus Buffer.from(hex) cost ~0.8 µs a line (and each id kept a shared 8 KiB pool slab alive).
 */
export function hexToBytes(hex: string, byteLength: 8 | 16): Uint8Array | undefined {
  if (hex.length !== byteLength * 2) return undefined
  const bytes = new Uint8Array(byteLength)
  let any = 0
  for (let i = 0; i < byteLength; i++) {
    const high = nibble(hex.charCodeAt(2 * i))
    const low = nibble(hex.charCodeAt(2 * i + 1))
    if (high < 0 || low < 0) return undefined
    bytes[i] = (high << 4) | low
    any |= bytes[i]!
  }
  return any === 0 ? undefined : bytes
}

function takeId(fields: Record<string, unknown>, keys: readonly string[], nestedKey: string, byteLength: 8 | 16): Uint8Array {
  for (const key of keys) {
    const value = fields[key]
    if (typeof value !== 'string') continue
    const bytes = hexToBytes(value, byteLength)
    if (bytes) {
      fields[key] = undefined
      return bytes
    }
  }
  const nested = fields[nestedKey]
  if (nested !== null && typeof nested === 'object' && !Array.isArray(nested)) {
    const id = (nested as Record<string, unknown>)['id']
    if (typeof id === 'string') {
      const bytes = hexToBytes(id, byteLength)
      if (bytes) {
        delete (nested as Record<string, unknown>)['id']
        if (Object.keys(nested).length === 0) delete fields[nestedKey]
        return bytes
      }
    }
  }
  return EMPTY
}

/** Removes the trace-context fields it lifts from `fields` and returns them. */
export function liftTraceContext(fields: Record<string, unknown>): TraceContext {
  const traceId = takeId(fields, TRACE_ID_KEYS, 'trace', 16)
  const spanId = traceId.length ? takeId(fields, SPAN_ID_KEYS, 'span', 8) : EMPTY
  let flags = 0
  if (traceId.length) {
    for (const key of FLAGS_KEYS) {
      const value = fields[key]
      const n = typeof value === 'number' ? value : typeof value === 'string' ? parseInt(value, 16) : NaN
      if (Number.isInteger(n) && n >= 0 && n <= 255) {
        flags = n
        fields[key] = undefined
        break
      }
    }
  }
  return { traceId, spanId, flags }
}

export interface HostInfo {
  hostName: string
  /** Kubernetes node this agent runs on, when known */
  nodeName?: string | undefined
}

/** The resource attributes every record from this host carries. */
export function hostResourceAttributes(host: HostInfo): KeyValue[] {
  const attributes = [stringAttribute('host.name', host.hostName), stringAttribute('os.type', 'linux')]
  if (host.nodeName) attributes.push(stringAttribute('k8s.node.name', host.nodeName))
  return attributes
}

/** Adds `extra` attributes whose keys `attributes` does not have yet (the sender's values win). */
export function withMissingAttributes(attributes: KeyValue[], extra: readonly KeyValue[]): KeyValue[] {
  const present = new Set(attributes.map((a) => a.key))
  const added = extra.filter((a) => !present.has(a.key))
  return added.length ? [...attributes, ...added] : attributes
}
