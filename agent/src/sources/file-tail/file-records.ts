/**
 * What file_tail attaches to what it reads: the resource of a file (host attributes, plus the pod,
 * namespace and container for a Kubernetes pod log path), each record's LogRecord with its file
 * path, stream and truncation marks, and the accounting of a detected truncation.
 *
 * A structured (json/logfmt) record naming its service (`service.name`, `service_name`, `service`
 * as a string, or `service: { name }`) has that name lifted out of its attributes: it becomes
 * the `service.name` of the record's resource (the file's resource with that one attribute set),
 * so the demo shop's pino lines arrive under their service instead of `unknown_service`.
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

/** The record, and the service it names itself (lifted out of its attributes), if any. */
export interface FileLogRecord {
  record: LogRecord
  serviceName: string | undefined
}

export function toLogRecord(item: AssembledRecord, lineFormat: LineFormat, fileAttribute: KeyValue, observedNs: bigint): FileLogRecord {
  const record = parseLine(item.text, lineFormat, observedNs)
  if (record.timeUnixNano === 0n && item.timeNs !== 0n) record.timeUnixNano = item.timeNs
  // only fields parsed from the line are attributes at this point
  const serviceName = record.attributes.length > 0 ? liftServiceName(record.attributes) : undefined
  record.attributes.push(fileAttribute)
  if (item.stream) record.attributes.push(STREAM_ATTRIBUTES[item.stream]!)
  if (item.truncated) record.attributes.push(TRUNCATED_ATTRIBUTE)
  return { record, serviceName }
}

// in order of precedence; every one of them present is removed, the first non-empty name wins
const SERVICE_KEYS = ['service.name', 'service_name', 'service'] as const
const MAX_SERVICE_NAME_CHARS = 256

/** Removes the service fields from `attributes` (in place) and returns the name they gave. */
export function liftServiceName(attributes: KeyValue[]): string | undefined {
  let best: { rank: number; name: string } | undefined
  for (let i = attributes.length - 1; i >= 0; i--) {
    const attribute = attributes[i]!
    const rank = (SERVICE_KEYS as readonly string[]).indexOf(attribute.key)
    if (rank < 0) continue
    const name = serviceNameOf(attribute)
    if (name === undefined) continue
    attributes.splice(i, 1)
    if (name !== '' && (best === undefined || rank <= best.rank)) best = { rank, name }
  }
  return best?.name
}

function serviceNameOf(attribute: KeyValue): string | undefined {
  const value = attribute.value
  if (value.type === 'string') return value.value.slice(0, MAX_SERVICE_NAME_CHARS)
  // `service: { name: "checkout", version: … }`: only a kvlist carrying a string name counts, and
  // then the whole object goes (its other keys describe the same service)
  if (attribute.key === 'service' && value.type === 'kvlist') {
    const name = value.value.find((kv) => kv.key === 'name')
    if (name?.value.type === 'string') return name.value.value.slice(0, MAX_SERVICE_NAME_CHARS)
  }
  return undefined
}

/** `base` with its `service.name` set to `serviceName` (a new resource; `base` is not changed). */
export function withServiceName(base: Resource, serviceName: string): Resource {
  const attributes = base.attributes.filter((kv) => kv.key !== 'service.name')
  attributes.push(stringAttribute('service.name', serviceName))
  return { ...base, attributes }
}

/** Counts (and logs) a truncation: the lost lines when the rotated copy is found, else an unknown loss. Returns the copy's path, if found. */
export async function reportTruncation(
  path: string,
  fingerprint: Fingerprint,
  readOffset: number,
  deps: { metrics: AgentMetrics['fileTail']; counters: ComponentCounters; logger: Logger },
): Promise<string | undefined> {
  deps.metrics.copytruncate.inc()
  const loss = await measureTruncationLoss(path, fingerprint, readOffset)
  if (loss.lostBytes !== undefined) {
    deps.metrics.possibleLossBytes.inc(loss.lostBytes)
    deps.metrics.possibleLossLines.inc(loss.lostLines ?? 0)
    if (loss.lostLines) deps.counters.dropped(loss.lostLines, 'copytruncate')
    deps.logger.warn({ path, copy: loss.copyPath, lostBytes: loss.lostBytes, lostLines: loss.lostLines }, 'file was truncated (copytruncate); lines written since the last read were not shipped')
    return loss.copyPath
  }
  deps.metrics.unknownLoss.inc()
  deps.logger.warn({ path }, 'file was truncated and its rotated copy was not found; lines written since the last read may be lost')
  return undefined
}
