/**
 * Joins the lines of one multi-line event (a stack trace) into one record.
 *
 * A line continues the pending record when
 * - it matches the continuation pattern: leading whitespace, "at ", "Caused by:", "..." (Java,
 *   Node and Go traces), or a configured pattern; or
 * - the pending record began with a timestamp and this line does not begin with one or with '{'
 *   (the log uses timestamps to start records, so an unstamped line belongs to the one before).
 * Anything else starts a new record. A line that is a whole JSON object is complete on its own.
 * A record is emitted when the next one starts, when it reaches `maxLines` or `maxBytes`, or when
 * no line arrived for `flushTimeoutMs` — so the last record of a quiet file is not held forever.
 */

export interface MultilineOptions {
  /** 'off' emits every line as its own record */
  mode: 'auto' | 'off'
  /** an extra pattern of continuation lines */
  continuationPattern?: RegExp | undefined
  /** an explicit pattern of lines that start a record; a line not matching it continues */
  startPattern?: RegExp | undefined
  maxLines: number
  maxBytes: number
  flushTimeoutMs: number
}

export interface JoinedRecord {
  text: string
  startOffset: number
  endOffset: number
  lines: number
  truncated: boolean
  /** time carried by the first line's envelope (CRI), 0n when none */
  timeNs: bigint
}

export interface Multiline {
  push(text: string, startOffset: number, endOffset: number, nowMs: number, out: JoinedRecord[], truncated?: boolean, timeNs?: bigint): void
  /** emits the pending record when it has been idle for flushTimeoutMs */
  flushIfIdle(nowMs: number, out: JoinedRecord[]): void
  flush(out: JoinedRecord[]): void
  pendingStart(): number | undefined
}

const CONTINUATION_RE = /^(?:[ \t]+\S|at |Caused by:|\.\.\.)/
const TIMESTAMP_START_RE = /^\[?(?:\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}|\d{2}:\d{2}:\d{2})/

export function createMultiline(options: MultilineOptions): Multiline {
  let pending: { timeNs: bigint; parts: string[]; bytes: number; startOffset: number; endOffset: number; stamped: boolean; lastMs: number; truncated: boolean } | undefined

  function emitPending(out: JoinedRecord[]): void {
    if (!pending) return
    out.push({
      text: pending.parts.length === 1 ? pending.parts[0]! : pending.parts.join('\n'),
      startOffset: pending.startOffset,
      endOffset: pending.endOffset,
      lines: pending.parts.length,
      truncated: pending.truncated,
      timeNs: pending.timeNs,
    })
    pending = undefined
  }

  function continues(text: string): boolean {
    if (options.startPattern) return !options.startPattern.test(text)
    if (CONTINUATION_RE.test(text) || options.continuationPattern?.test(text)) return true
    if (pending?.stamped) return text.length === 0 || (text.charCodeAt(0) !== 123 && !TIMESTAMP_START_RE.test(text))
    return false
  }

  return {
    push(text, startOffset, endOffset, nowMs, out, truncated = false, timeNs = 0n) {
      if (options.mode === 'off') {
        out.push({ text, startOffset, endOffset, lines: 1, truncated, timeNs })
        return
      }
      if (pending && continues(text)) {
        if (pending.parts.length >= options.maxLines || pending.bytes + text.length + 1 > options.maxBytes) {
          pending.truncated = true
          emitPending(out)
          // the rest of an over-long trace starts a record of its own rather than being dropped
        } else {
          pending.parts.push(text)
          pending.bytes += text.length + 1
          pending.endOffset = endOffset
          pending.lastMs = nowMs
          return
        }
      }
      emitPending(out)
      if (text.length === 0) return
      const wholeJson = text.charCodeAt(0) === 123 && text.charCodeAt(text.length - 1) === 125
      if (wholeJson && !options.startPattern) {
        out.push({ text, startOffset, endOffset, lines: 1, truncated, timeNs })
        return
      }
      pending = { timeNs, parts: [text], bytes: text.length, startOffset, endOffset, stamped: TIMESTAMP_START_RE.test(text), lastMs: nowMs, truncated }
    },
    flushIfIdle(nowMs, out) {
      if (pending && nowMs - pending.lastMs >= options.flushTimeoutMs) emitPending(out)
    },
    flush(out) {
      emitPending(out)
    },
    pendingStart() {
      return pending?.startOffset
    },
  }
}
