/**
 * Scenario: the Kafka broker (one this scenario starts, never a shared one) is stopped
 * mid-stream and restarted after `downMs`. Meanwhile the collector answers 503 with
 * Retry-After (probed directly), the agent buffers and retries; after recovery every span the
 * agent acknowledged is in ClickHouse: lost = 0.
 */
import { encodeTraces } from '@periscope/model'
import { dedicatedBroker } from '../harness/kafka-broker.ts'
import { kafkaBus } from '../harness/stack.ts'
import { spanBatch } from '../harness/span-batches.ts'
import { agentPipeline, KEY, type AgentPipelineResult } from './agent-pipeline.ts'

export interface BrokerRestartResult extends AgentPipelineResult {
  downMs: number
  /** statuses of direct probes to the collector while the broker was down */
  probeStatuses: Record<number, number>
  probesWithRetryAfter: number
  ackedWhileDown: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function brokerRestart(downMs: number): Promise<BrokerRestartResult> {
  const broker = await dedicatedBroker()
  const probeStatuses: Record<number, number> = {}
  let probesWithRetryAfter = 0
  let ackedWhileDown = 0
  try {
    const result = await agentPipeline({
      label: 'broker-restart',
      bus: (clientId) => kafkaBus(broker.brokers, clientId),
      producers: 2,
      spansPerRequest: 10,
      intervalMs: 30,
      async disrupt(ctx) {
        await sleep(3000)
        await broker.stop()
        const before = ctx.ackedSpans()
        ctx.step('broker stopped')
        const until = Date.now() + downMs
        while (Date.now() < until) {
          const res = await fetch(`${ctx.collectorUrl}/v1/traces`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${KEY}` },
            body: encodeTraces(spanBatch('probe', 'probe', 0, 1), 'protobuf'),
            signal: AbortSignal.timeout(20_000),
          }).catch(() => undefined)
          const status = res?.status ?? 0
          await res?.arrayBuffer()
          probeStatuses[status] = (probeStatuses[status] ?? 0) + 1
          if (res?.headers.get('retry-after')) probesWithRetryAfter++
          await sleep(1000)
        }
        ackedWhileDown = ctx.ackedSpans() - before
        await broker.start()
        ctx.step(`broker back; probes ${JSON.stringify(probeStatuses)}; ${ackedWhileDown} spans acknowledged by the agent meanwhile`)
        await sleep(5000)
      },
    })
    return { ...result, downMs, probeStatuses, probesWithRetryAfter, ackedWhileDown }
  } finally {
    await broker.remove()
  }
}
