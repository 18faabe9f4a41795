/**
 * Bus records exactly as the collector writes them (see collector/src/handoff/records.ts): one
 * OTLP protobuf traces request per record, keyed by its trace id in hex, with the tenant, signal
 * and schema-version headers. Used where the scenario is about ingest alone and the producer
 * writes to the bus directly.
 */
import { bytesToHex, encodeTraces } from '@periscope/model'
import { HEADERS, type Bus, type BusRecord, TOPICS } from '@periscope/pipeline'
import { spanBatch } from './span-batches.ts'

export function spanRecords(runId: string, producer: string, firstSeq: number, records: number, spansPerRecord: number, tenantId: string): BusRecord[] {
  const out: BusRecord[] = []
  for (let r = 0; r < records; r++) {
    const request = spanBatch(runId, producer, firstSeq + r * spansPerRecord, spansPerRecord)
    const traceId = request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId
    out.push({
      key: Buffer.from(bytesToHex(traceId)),
      value: Buffer.from(encodeTraces(request, 'protobuf')),
      headers: { [HEADERS.tenant]: tenantId, [HEADERS.signal]: 'traces', [HEADERS.schemaVersion]: '1' },
    })
  }
  return out
}

/** Sends in chunks, retrying retryable outcomes; throws on a permanent failure or after `timeoutMs`. */
export async function sendAll(bus: Bus, records: readonly BusRecord[], chunk = 100, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (let i = 0; i < records.length; i += chunk) {
    const part = records.slice(i, i + chunk)
    for (;;) {
      const outcome = await bus.send(TOPICS.traces, part)
      if (outcome.status === 'success') break
      if (outcome.status === 'failure' || Date.now() > deadline) throw new Error('sending to the bus failed', { cause: outcome.error })
      await new Promise((r) => setTimeout(r, outcome.retryAfterMs ?? 50))
    }
  }
}
