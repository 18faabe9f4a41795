/**
 * A gzip "bomb" for tests: many concatenated gzip members of 1 MiB of zeros each. Gunzip reads
 * concatenated members as one stream (RFC 1952 §2.2), so the result inflates to `inflatedBytes`
 * while being ~1000× smaller, and building it costs one 1 MiB compression, not 1 GiB of it.
 */
import { gzipSync, constants } from 'node:zlib'

const MEMBER_INFLATED_BYTES = 1 << 20

export function gzipBomb(inflatedBytes: number): Buffer {
  const member = gzipSync(Buffer.alloc(MEMBER_INFLATED_BYTES), { level: constants.Z_BEST_COMPRESSION })
  const count = Math.ceil(inflatedBytes / MEMBER_INFLATED_BYTES)
  return Buffer.concat(Array.from({ length: count }, () => member))
}
