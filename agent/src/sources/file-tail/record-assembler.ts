/**
 * The per-file chain from bytes to records: line splitting → CRI envelope and partial joining
 * (container logs) → multi-line joining (per stream). It also answers the question checkpoints
 * depend on: up to which offset is every byte of this file inside an emitted record (or
 * deliberately skipped)? That is the smallest start offset of anything still pending.
 */
import { createCriJoiner, parseCriLine, type CriMessage, type CriStream } from './cri.ts'
import { createLineSplitter, type Line } from './line-splitter.ts'
import { createMultiline, type JoinedRecord, type MultilineOptions } from './multiline.ts'

export interface AssembledRecord extends JoinedRecord {
  stream?: CriStream | undefined
}

export interface RecordAssemblerOptions {
  cri: boolean
  maxLineBytes: number
  multiline: MultilineOptions
}

export interface RecordAssembler {
  push(chunk: Buffer, chunkOffset: number, nowMs: number, out: AssembledRecord[]): void
  /** emits records idle past the multi-line flush timeout */
  tick(nowMs: number, out: AssembledRecord[]): void
  /** the file will not grow any more: emit everything pending, the last partial line included */
  drain(out: AssembledRecord[]): void
  /** every byte before this offset is in an emitted record; `readOffset` = bytes read so far */
  safeOffset(readOffset: number): number
  /** lines that claimed to be CRI but were not; kept as plain text records */
  readonly invalidCriLines: number
  readonly skippedBytes: number
}

export function createRecordAssembler(options: RecordAssemblerOptions): RecordAssembler {
  const splitter = createLineSplitter({ maxLineBytes: options.maxLineBytes })
  const joiner = options.cri ? createCriJoiner({ maxBytes: options.maxLineBytes }) : undefined
  const multilines = new Map<string, ReturnType<typeof createMultiline>>()
  const lines: Line[] = []
  const joined: JoinedRecord[] = []
  let invalidCriLines = 0

  function multilineFor(stream: string) {
    let m = multilines.get(stream)
    if (!m) {
      m = createMultiline(options.multiline)
      multilines.set(stream, m)
    }
    return m
  }

  function collect(stream: CriStream | undefined, out: AssembledRecord[]): void {
    for (const record of joined) out.push(stream === undefined ? record : { ...record, stream })
    joined.length = 0
  }

  function handleMessage(message: CriMessage, nowMs: number, out: AssembledRecord[]): void {
    multilineFor(message.stream).push(message.text, message.startOffset, message.endOffset, nowMs, joined, message.truncated, message.timeNs)
    collect(message.stream, out)
  }

  function handleLines(nowMs: number, out: AssembledRecord[]): void {
    for (const line of lines) {
      if (joiner) {
        const cri = parseCriLine(line.text)
        if (cri) {
          const message = joiner.push(cri, line.startOffset, line.endOffset)
          if (message) handleMessage(message, nowMs, out)
          continue
        }
        invalidCriLines++
      }
      multilineFor('').push(line.text, line.startOffset, line.endOffset, nowMs, joined, line.truncated)
      collect(undefined, out)
    }
    lines.length = 0
  }

  function flushAll(out: AssembledRecord[], nowMs: number): void {
    if (joiner) {
      const messages: CriMessage[] = []
      joiner.flush(messages)
      for (const message of messages) handleMessage(message, nowMs, out)
    }
    for (const [stream, m] of multilines) {
      m.flush(joined)
      collect(stream === '' ? undefined : (stream as CriStream), out)
    }
  }

  return {
    push(chunk, chunkOffset, nowMs, out) {
      splitter.push(chunk, chunkOffset, lines)
      handleLines(nowMs, out)
    },
    tick(nowMs, out) {
      for (const [stream, m] of multilines) {
        m.flushIfIdle(nowMs, joined)
        collect(stream === '' ? undefined : (stream as CriStream), out)
      }
    },
    drain(out) {
      const partial = splitter.takePartial()
      if (partial) {
        lines.push(partial)
        handleLines(Date.now(), out)
      }
      flushAll(out, Date.now())
    },
    safeOffset(readOffset) {
      let offset = readOffset
      const starts = [splitter.pendingStart(), joiner?.pendingStart(), ...[...multilines.values()].map((m) => m.pendingStart())]
      for (const start of starts) if (start !== undefined && start < offset) offset = start
      return offset
    },
    get invalidCriLines() {
      return invalidCriLines
    },
    get skippedBytes() {
      return splitter.skippedBytes
    },
  }
}
