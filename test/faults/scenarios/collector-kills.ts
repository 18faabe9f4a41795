/**
 * Scenario: the collector is SIGKILLed `kills` times under load while the agent (the real agent
 * process, disk buffer and retrying sink) forwards a producer's spans to it. Every span the
 * agent answered 200 must end in ClickHouse: lost = 0. Duplicates are allowed (a request whose
 * records reached the bus but whose answer died with the collector is resent) and reported.
 * The collector comes back on the same port each time, as a Deployment's pod behind a Service.
 */
import { agentPipeline, type AgentPipelineResult } from './agent-pipeline.ts'

export interface CollectorKillsOptions {
  kills: number
  /** time the collector runs between kills: uniform in [minUpMs, maxUpMs] */
  minUpMs: number
  maxUpMs: number
  producers: number
  spansPerRequest: number
}

export interface CollectorKillsResult extends AgentPipelineResult {
  kills: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function collectorKills(o: CollectorKillsOptions): Promise<CollectorKillsResult> {
  const result = await agentPipeline({
    label: 'collector-kills',
    bus: 'local',
    producers: o.producers,
    spansPerRequest: o.spansPerRequest,
    intervalMs: 20,
    async disrupt(ctx) {
      for (let k = 0; k < o.kills; k++) {
        await sleep(o.minUpMs + Math.random() * (o.maxUpMs - o.minUpMs))
        await ctx.collector().kill()
        // down long enough for the agent to see refused connections and back off
        await sleep(200)
        await ctx.startCollector()
        ctx.step(`kill ${k + 1}: collector back; ${ctx.ackedSpans()} spans acknowledged`)
      }
      await sleep(o.minUpMs)
    },
  })
  return { ...result, kills: o.kills }
}
