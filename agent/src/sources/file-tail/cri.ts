/**
 * The Kubernetes CRI container-log format, as kubelet writes it under /var/log/pods:
 *
 *   <RFC3339Nano time> <stdout|stderr> <P|F>[:more tags] <message>
 *
 * `P` marks a partial line: the runtime split one long application line into several; the parts
 * are joined until the `F` (full) part, separately per stream. Files live at
 *   /var/log/pods/<namespace>_<pod>_<pod uid>/<container>/<restart count>.log
 * and the path is where the pod, namespace and container come from.
 */
import { parseTimestampNs } from './timestamp.ts'

export type CriStream = 'stdout' | 'stderr'

export interface CriLine {
  timeNs: bigint
  stream: CriStream
  partial: boolean
  message: string
}

const CRI_RE = /^(\S+) (stdout|stderr) ([PF])(?::\S*)?(?: (.*))?$/s

export function parseCriLine(text: string): CriLine | undefined {
  const m = CRI_RE.exec(text)
  if (!m) return undefined
  const timeNs = parseTimestampNs(m[1])
  if (timeNs === undefined) return undefined
  return { timeNs, stream: m[2] as CriStream, partial: m[3] === 'P', message: m[4] ?? '' }
}

export interface PodLogPath {
  namespace: string
  podName: string
  podUid: string
  containerName: string
  restartCount: number
}

const POD_PATH_RE = /(?:^|\/)([a-z0-9][a-z0-9-]*)_([a-z0-9][a-z0-9.-]*)_([0-9a-fA-F-]+)\/([a-z0-9][a-z0-9-]*)\/(\d+)\.log$/

export function podFromLogPath(path: string): PodLogPath | undefined {
  const m = POD_PATH_RE.exec(path)
  if (!m) return undefined
  return { namespace: m[1]!, podName: m[2]!, podUid: m[3]!, containerName: m[4]!, restartCount: Number(m[5]) }
}

export interface CriMessage {
  timeNs: bigint
  stream: CriStream
  text: string
  startOffset: number
  endOffset: number
  /** the joined partials hit the byte bound and were cut */
  truncated: boolean
}

export interface CriJoiner {
  /** returns the completed message, if this line completed one */
  push(line: CriLine, startOffset: number, endOffset: number): CriMessage | undefined
  /** offset where the oldest unfinished partial begins */
  pendingStart(): number | undefined
  /** emits unfinished partials (file rotated away, or idle past the flush timeout) */
  flush(out: CriMessage[]): void
}

export function createCriJoiner(options: { maxBytes: number }): CriJoiner {
  const partials = new Map<CriStream, { parts: string[]; bytes: number; timeNs: bigint; startOffset: number; endOffset: number }>()

  return {
    push(line, startOffset, endOffset) {
      const pending = partials.get(line.stream)
      if (!pending && !line.partial) {
        return { timeNs: line.timeNs, stream: line.stream, text: line.message, startOffset, endOffset, truncated: false }
      }
      const state = pending ?? { parts: [], bytes: 0, timeNs: line.timeNs, startOffset, endOffset }
      state.parts.push(line.message)
      state.bytes += line.message.length
      state.endOffset = endOffset
      if (!pending) partials.set(line.stream, state)
      const overBound = state.bytes > options.maxBytes
      if (!line.partial || overBound) {
        partials.delete(line.stream)
        const text = state.parts.join('')
        return {
          timeNs: state.timeNs,
          stream: line.stream,
          text: overBound ? text.slice(0, options.maxBytes) : text,
          startOffset: state.startOffset,
          endOffset: state.endOffset,
          truncated: overBound,
        }
      }
      return undefined
    },
    pendingStart() {
      let start: number | undefined
      for (const state of partials.values()) if (start === undefined || state.startOffset < start) start = state.startOffset
      return start
    },
    flush(out) {
      for (const [stream, state] of partials) {
        out.push({ timeNs: state.timeNs, stream, text: state.parts.join(''), startOffset: state.startOffset, endOffset: state.endOffset, truncated: false })
      }
      partials.clear()
    },
  }
}
