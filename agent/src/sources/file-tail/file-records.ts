/**
 * What file_tail attaches to what it reads: the resource of a file (host attributes, plus the pod,
 * namespace and container for a Kubernetes pod log path), each record's LogRecord with its file
 * path, stream and truncation marks, and the accounting of a detected truncation.
 */
import type { KeyValue, LogRecord, Resource } from '@periscope/model'
import type { Logger } from '@periscope/runtime'
import type { AgentMetrics, ComponentCounters } from '../../agent-metrics.ts'
import { stringAttribute } from '../../transforms/any-value.ts'
import { podFromLogPath } from './cri.ts'
import { measureTruncationLoss, type Fingerprint } from './file-identity.ts'
import { parseLine, type LineFormat } from './parse-line.ts'
import type { AssembledRecord } from './record-assembler.ts'

const TRUNCATED_ATTRIBUTE: KeyValue = { key: 'log.record.truncated', value: { type: 'bool', value: true } }
const STREAM_ATTRIBUTES: Record<string, KeyValue> = {
  stdout: stringAttribute('log.iostream', 'stdout'),
  stderr: stringAttribute('log.iostream', 'stderr'),
}

/** The resource of a tailed file, and whether it is read as CRI container logs. */
export function fileResource(path: string, format: LineFormat | 'cri', hostAttributes: readonly KeyValue[]): { resource: Resource; cri: boolean } {
  const pod = podFromLogPath(path)
  const attributes = [...hostAttributes]
  const cri = format === 'cri' || (format === 'auto' && pod !== undefined && path.includes('/pods/'))
  if (pod) {
    attributes.push(
      stringAttribute('k8s.namespace.name', pod.namespace),
      stringAttribute('k8s.pod.name', pod.podName),
      stringAttribute('k8s.pod.uid', pod.podUid),
      stringAttribute('k8s.container.name', pod.containerName),
      { key: 'k8s.container.restart_count', value: { type: 'int', value: BigInt(pod.restartCount) } },
      stringAttribute('service.name', pod.containerName),
    )
  }
  return { resource: { attributes, droppedAttributesCount: 0, entityRefs: [] }, cri }
}

export function toLogRecord(item: AssembledRecord, lineFormat: LineFormat, fileAttribute: KeyValue, observedNs: bigint): LogRecord {
  const record = parseLine(item.text, lineFormat, observedNs)
  if (record.timeUnixNano === 0n && item.timeNs !== 0n) record.timeUnixNano = item.timeNs
  record.attributes.push(fileAttribute)
  if (item.stream) record.attributes.push(STREAM_ATTRIBUTES[item.stream]!)
  if (item.truncated) record.attributes.push(TRUNCATED_ATTRIBUTE)
  return record
}

/** Counts (and logs) a truncation: the lost lines when the rotated copy is found, else an unknown loss. */
export async function reportTruncation(
  path: string,
  fingerprint: Fingerprint,
  readOffset: number,
  deps: { metrics: AgentMetrics['fileTail']; counters: ComponentCounters; logger: Logger },
): Promise<void> {
  deps.metrics.copytruncate.inc()
  const loss = await measureTruncationLoss(path, fingerprint, readOffset)
  if (loss.lostBytes !== undefined) {
    deps.metrics.possibleLossBytes.inc(loss.lostBytes)
    deps.metrics.possibleLossLines.inc(loss.lostLines ?? 0)
    if (loss.lostLines) deps.counters.dropped(loss.lostLines, 'copytruncate')
    deps.logger.warn({ path, copy: loss.copyPath, lostBytes: loss.lostBytes, lostLines: loss.lostLines }, 'file was truncated (copytruncate); lines written since the last read were not shipped')
  } else {
    deps.metrics.unknownLoss.inc()
    deps.logger.warn({ path }, 'file was truncated and its rotated copy was not found; lines written since the last read may be lost')
  }
}
