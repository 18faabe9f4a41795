/**
 * What the agent stores in one DiskBuffer entry: one OTLP export request plus the file positions
 * it covers.
 *
 *   [u8 format version = 1][u8 signal: 0 traces, 1 logs, 2 metrics][u32 LE meta length]
 *   [meta: UTF-8 JSON EntryMeta][body: OTLP protobuf Export{Traces,Logs,Metrics}ServiceRequest]
 *
 * The body is stored uncompressed and exactly as it will be sent; the sink gzips it. `meta.positions`
 * (file_tail entries only) are the read positions every line before which is in this entry or an
 * earlier one; they become checkpoints once the collector acknowledged the entry.
 */
import type { Signal } from '@periscope/model'

/** A position in one tailed file, identified by device and inode. */
export interface FilePosition {
  /** `${dev}:${ino}` */
  key: string
  dev: number
  ino: number
  /** the path it had when the position was taken (it may be renamed since) */
  path: string
  offset: number
  /** crc32 of the file's first `fingerprintBytes` bytes: tells a truncated or reused inode apart */
  fingerprintBytes: number
  fingerprintCrc: number
}

export interface EntryMeta {
  /** spans, log records or data points in the body, for the sink's counters */
  items?: number
  positions?: FilePosition[]
}

export interface AgentEntry {
  signal: Signal
  meta: EntryMeta
  body: Uint8Array
}

const SIGNALS: readonly Signal[] = ['traces', 'logs', 'metrics']
const HEADER_BYTES = 6

export function encodeEntry(entry: AgentEntry): Buffer {
  const meta = entry.meta.positions?.length || entry.meta.items ? Buffer.from(JSON.stringify(entry.meta)) : Buffer.alloc(0)
  const out = Buffer.allocUnsafe(HEADER_BYTES + meta.length + entry.body.length)
  out.writeUInt8(1, 0)
  out.writeUInt8(SIGNALS.indexOf(entry.signal), 1)
  out.writeUInt32LE(meta.length, 2)
  meta.copy(out, HEADER_BYTES)
  out.set(entry.body, HEADER_BYTES + meta.length)
  return out
}

export function decodeEntry(payload: Buffer): AgentEntry {
  const version = payload.readUInt8(0)
  if (version !== 1) throw new Error(`buffer entry format version ${version} is not supported`)
  const signal = SIGNALS[payload.readUInt8(1)]
  if (!signal) throw new Error(`buffer entry names unknown signal ${payload.readUInt8(1)}`)
  const metaLength = payload.readUInt32LE(2)
  const meta = metaLength ? (JSON.parse(payload.toString('utf8', HEADER_BYTES, HEADER_BYTES + metaLength)) as EntryMeta) : {}
  return { signal, meta, body: payload.subarray(HEADER_BYTES + metaLength) }
}
