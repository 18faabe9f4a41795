/**
 * A minimal protobuf wire reader for tests, independent of the model's codec: splits a message
 * into its fields (varints as bigint, length-delimited as bytes) so a test can check a response
 * body without trusting the encoder under test.
 */
export type PbField = { no: number; varint: bigint } | { no: number; bytes: Buffer }

export function pbFields(message: Uint8Array): PbField[] {
  const buf = Buffer.from(message.buffer, message.byteOffset, message.byteLength)
  const out: PbField[] = []
  let pos = 0
  const varint = (): bigint => {
    let result = 0n
    let shift = 0n
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint')
      const b = buf[pos++]!
      result |= BigInt(b & 0x7f) << shift
      if ((b & 0x80) === 0) return result
      shift += 7n
    }
  }
  while (pos < buf.length) {
    const tag = Number(varint())
    const no = tag >>> 3
    const wire = tag & 7
    if (wire === 0) out.push({ no, varint: varint() })
    else if (wire === 2) {
      const len = Number(varint())
      out.push({ no, bytes: buf.subarray(pos, pos + len) })
      pos += len
    } else if (wire === 1) pos += 8
    else if (wire === 5) pos += 4
    else throw new Error(`unsupported wire type ${wire}`)
  }
  return out
}

/** google.rpc.Status { int32 code = 1; string message = 2 } */
export function readRpcStatus(body: Uint8Array): { code: number; message: string } {
  let code = 0
  let message = ''
  for (const f of pbFields(body)) {
    if (f.no === 1 && 'varint' in f) code = Number(f.varint)
    if (f.no === 2 && 'bytes' in f) message = f.bytes.toString('utf8')
  }
  return { code, message }
}

/** Export*ServiceResponse { Export*PartialSuccess partial_success = 1 { int64 rejected = 1; string error_message = 2 } } */
export function readExportResponse(body: Uint8Array): { rejected: number; message: string } {
  let rejected = 0
  let message = ''
  for (const f of pbFields(body)) {
    if (f.no !== 1 || !('bytes' in f)) continue
    for (const g of pbFields(f.bytes)) {
      if (g.no === 1 && 'varint' in g) rejected = Number(g.varint)
      if (g.no === 2 && 'bytes' in g) message = g.bytes.toString('utf8')
    }
  }
  return { rejected, message }
}
