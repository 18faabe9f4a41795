/**
 * What the OTLP/HTTP body looks like on the wire: its encoding (from Content-Type) and its
 * compression (from Content-Encoding), and inflation bounded by the body limit.
 *
 * Invariant: inflating never holds more than `maxBytes` (+ one zlib chunk) of output, whatever
 * the ratio of the input: zlib's `maxOutputLength` aborts the stream as soon as the output
 * passes the limit, so a 1 KiB gzip bomb that would inflate to 1 GiB costs ~`maxBytes` and a
 * few ms of CPU. Inflation runs on the libuv thread pool (async zlib), off the event loop.
 */
import { gunzip, type ZlibOptions } from 'node:zlib'
import { promisify } from 'node:util'
import type { Encoding } from '@periscope/model'

export type Compression = 'none' | 'gzip'

/**
 * The OTLP encoding named by a Content-Type header, or null for any other media type.
 * Parameters (`; charset=utf-8`) are ignored; the type is case-insensitive (RFC 9110 §8.3.1).
 */
export function encodingOf(contentType: string | undefined): Encoding | null {
  if (!contentType) return null
  const semi = contentType.indexOf(';')
  const mediaType = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
  if (mediaType === 'application/x-protobuf') return 'protobuf'
  if (mediaType === 'application/json') return 'json'
  return null
}

/** The compression named by a Content-Encoding header, or null for one we do not accept. */
export function compressionOf(contentEncoding: string | undefined): Compression | null {
  if (contentEncoding === undefined) return 'none'
  const coding = contentEncoding.trim().toLowerCase()
  if (coding === '' || coding === 'identity') return 'none'
  if (coding === 'gzip' || coding === 'x-gzip') return 'gzip'
  return null
}

export type InflateOutcome =
  | { ok: true; body: Buffer }
  | { ok: false; reason: 'too_large' | 'malformed'; message: string }

const gunzipAsync = promisify<Buffer, ZlibOptions, Buffer>(gunzip)

/** Inflates a gzip body, refusing once the output would exceed `maxBytes`. */
export async function inflateBounded(compressed: Buffer, maxBytes: number): Promise<InflateOutcome> {
  try {
    const body = await gunzipAsync(compressed, { maxOutputLength: maxBytes })
    return { ok: true, body }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      return { ok: false, reason: 'too_large', message: `the gzip body inflates to more than ${maxBytes} bytes` }
    }
    // Z_DATA_ERROR (corrupt), Z_BUF_ERROR (truncated), and any other zlib complaint about the input
    return { ok: false, reason: 'malformed', message: `the gzip body cannot be inflated: ${(error as Error).message}` }
  }
}
