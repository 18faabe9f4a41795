/**
 * Bytes of a file → lines with their byte offsets. A line ends at '\n' (a preceding '\r' is
 * dropped). Bytes after the last '\n' wait for more data; `pendingStart` says where they begin,
 * which is how far the file can be considered consumed.
 *
 * A line longer than `maxLineBytes` is cut: its first maxLineBytes bytes are emitted with
 * `truncated: true` and the rest, up to the next '\n', is skipped and counted, so one runaway
 * line cannot grow memory without bound.
 */

export interface Line {
  text: string
  /** offset of the line's first byte in the file */
  startOffset: number
  /** offset just past the line's '\n' (or past the cut, for a truncated line) */
  endOffset: number
  truncated: boolean
}

export interface LineSplitter {
  push(chunk: Buffer, chunkOffset: number, out: Line[]): void
  /** file offset where the incomplete line begins, undefined when there is none */
  pendingStart(): number | undefined
  /** Emits the incomplete line as it is (the file will not grow any more: rotated away). */
  takePartial(): Line | undefined
  /** bytes skipped from over-long lines so far */
  readonly skippedBytes: number
}

export function createLineSplitter(options: { maxLineBytes: number }): LineSplitter {
  const maxLineBytes = options.maxLineBytes
  let carry: Buffer[] = []
  let carryBytes = 0
  let carryStart = 0
  let discarding = false
  let skippedBytes = 0

  function emit(bytes: Buffer, startOffset: number, endOffset: number, truncated: boolean, out: Line[]): void {
    let end = bytes.length
    if (!truncated && end > 0 && bytes[end - 1] === 13) end--
    out.push({ text: bytes.toString('utf8', 0, end), startOffset, endOffset, truncated })
  }

  return {
    push(chunk, chunkOffset, out) {
      let position = 0
      while (position < chunk.length) {
        const newline = chunk.indexOf(10, position)
        if (discarding) {
          if (newline === -1) {
            skippedBytes += chunk.length - position
            return
          }
          skippedBytes += newline - position
          discarding = false
          position = newline + 1
          continue
        }
        if (newline === -1) {
          if (carryBytes === 0) carryStart = chunkOffset + position
          const rest = chunk.subarray(position)
          // copy: the caller reuses its read buffer
          carry.push(Buffer.from(rest))
          carryBytes += rest.length
          if (carryBytes > maxLineBytes) {
            const whole = Buffer.concat(carry)
            emit(whole.subarray(0, maxLineBytes), carryStart, carryStart + maxLineBytes, true, out)
            skippedBytes += whole.length - maxLineBytes
            carry = []
            carryBytes = 0
            discarding = true
          }
          return
        }
        const lineEnd = chunkOffset + newline + 1
        if (carryBytes > 0) {
          carry.push(chunk.subarray(position, newline))
          const whole = Buffer.concat(carry)
          const start = carryStart
          carry = []
          carryBytes = 0
          if (whole.length > maxLineBytes) {
            emit(whole.subarray(0, maxLineBytes), start, lineEnd, true, out)
            skippedBytes += whole.length - maxLineBytes
          } else {
            emit(whole, start, lineEnd, false, out)
          }
        } else if (newline - position > maxLineBytes) {
          emit(chunk.subarray(position, position + maxLineBytes), chunkOffset + position, lineEnd, true, out)
          skippedBytes += newline - position - maxLineBytes
        } else {
          emit(chunk.subarray(position, newline), chunkOffset + position, lineEnd, false, out)
        }
        position = newline + 1
      }
    },
    pendingStart() {
      return carryBytes > 0 ? carryStart : undefined
    },
    takePartial() {
      if (carryBytes === 0) return undefined
      const whole = Buffer.concat(carry)
      const line = { text: whole.toString('utf8'), startOffset: carryStart, endOffset: carryStart + whole.length, truncated: false }
      carry = []
      carryBytes = 0
      return line
    },
    get skippedBytes() {
      return skippedBytes
    },
  }
}
