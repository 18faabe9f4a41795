/**
 * Scenario: the collector is down for `outageMs` (2 minutes in the full suite) while producers
 * keep sending to the agent. The agent's disk buffer holds the data (the producers keep being
 * answered 200, the buffer grows), and after the collector returns everything reaches
 * ClickHouse: lost = 0.
 */
import { agentPipeline, type AgentPipelineResult } from './agent-pipeline.ts'

export interface CollectorOutageResult extends AgentPipelineResult {
  outageMs: number
  /** agent buffer entries not yet acknowledged, just before the collector came back */
  bufferedEntriesAtRecovery: number
  /** spans the agent acknowledged while the collector was down */
  ackedDuringOutage: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function collectorOutage(outageMs: number): Promise<CollectorOutageResult> {
  let buffered = 0
  let ackedDuring = 0
  const result = await agentPipeline({
    label: 'collector-outage',
    bus: 'local',
    producers: 2,
    spansPerRequest: 10,
    intervalMs: 50,
    bufferMaxBytes: 128 << 20,
    async disrupt(ctx) {
      await sleep(2000)
      await ctx.collector().stop()
      const before = ctx.ackedSpans()
      ctx.step(`collector stopped; down for ${outageMs} ms`)
      await sleep(outageMs)
      ackedDuring = ctx.ackedSpans() - before
      buffered = await ctx.agent.metric('periscope_agent_buffer_unacked_entries')
      await ctx.startCollector()
      ctx.step(`collector back; ${ackedDuring} spans acknowledged during the outage, ${buffered} entries buffered`)
      await sleep(3000)
    },
  })
  return { ...result, outageMs, bufferedEntriesAtRecovery: buffered, ackedDuringOutage: ackedDuring }
}
