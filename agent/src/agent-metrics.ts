/**
 * The agent's own metrics (served on /metrics). Every component counts what it received, sent,
 * dropped and failed, Vector-style, under a bounded `component` label; drops carry a bounded
 * `reason`. Component-specific counters (rotation, scrapes, the sink's outcomes) sit beside them.
 */
import type { SelfMetrics } from '@periscope/runtime'

export type ComponentName = 'source_otlp_http' | 'source_file_tail' | 'source_prometheus_scrape' | 'source_host_metrics' | 'sink_otlp_http'

export interface ComponentCounters {
  received(count: number): void
  sent(count: number): void
  dropped(count: number, reason: string): void
  failed(count: number): void
}

export function createAgentMetrics(self: SelfMetrics) {
  const received = self.counter<'component'>({ name: 'periscope_agent_component_received_items_total', help: 'Items (records, points, spans) a component received', labelNames: ['component'] })
  const sent = self.counter<'component'>({ name: 'periscope_agent_component_sent_items_total', help: 'Items a component passed on (sources: into the buffer; the sink: acknowledged by the collector)', labelNames: ['component'] })
  const dropped = self.counter<'component' | 'reason'>({ name: 'periscope_agent_component_dropped_items_total', help: 'Items a component dropped, by reason', labelNames: ['component', 'reason'] })
  const failed = self.counter<'component'>({ name: 'periscope_agent_component_failed_total', help: 'Operations of a component that failed (a failed scrape, a failed send attempt)', labelNames: ['component'] })

  function component(name: ComponentName): ComponentCounters {
    return {
      received: (n) => received.inc({ component: name }, n),
      sent: (n) => sent.inc({ component: name }, n),
      dropped: (n, reason) => dropped.inc({ component: name, reason }, n),
      failed: (n) => failed.inc({ component: name }, n),
    }
  }

  return {
    component,
    fileTail: {
      copytruncate: self.counter({ name: 'periscope_agent_file_tail_copytruncate_total', help: 'Truncations of a tailed file detected (copytruncate rotation or an inode reused)' }),
      possibleLossBytes: self.counter({ name: 'periscope_agent_file_tail_copytruncate_possible_loss_bytes_total', help: 'Bytes written after the last read and before a truncation, found in the rotated copy: never read' }),
      possibleLossLines: self.counter({ name: 'periscope_agent_file_tail_copytruncate_possible_loss_lines_total', help: 'Lines written after the last read and before a truncation, found in the rotated copy: never read' }),
      unknownLoss: self.counter({ name: 'periscope_agent_file_tail_copytruncate_unknown_loss_total', help: 'Truncations whose rotated copy was not found, so the size of the loss is unknown' }),
      missingFiles: self.counter({
        name: 'periscope_agent_file_tail_missing_files_total',
        help: 'Checkpointed files gone when the agent came back (rotated and deleted, compressed or moved away meanwhile): lines written after the checkpoint were not read',
      }),
      unseenGenerations: self.counter({
        name: 'periscope_agent_file_tail_unseen_generations_total',
        help: 'Rotated files never seen at their watched path (rotated more than once between discoveries or while the agent was down), found in its directory and read from their start',
      }),
      rotations: self.counter({ name: 'periscope_agent_file_tail_rotations_total', help: 'Tailed files that were renamed or deleted and then read to their end' }),
      truncatedRecords: self.counter({ name: 'periscope_agent_file_tail_truncated_records_total', help: 'Records cut at the line or multi-line byte bound' }),
      skippedBytes: self.counter({ name: 'periscope_agent_file_tail_skipped_bytes_total', help: 'Bytes of over-long lines beyond the bound, not shipped' }),
      backpressure: self.counter({ name: 'periscope_agent_file_tail_backpressure_total', help: 'Times file tailing paused because the disk buffer was full (offsets are kept; nothing is dropped)' }),
      openFiles: self.gauge({ name: 'periscope_agent_file_tail_open_files', help: 'Files being tailed' }),
    },
    scrape: {
      failures: self.counter<'reason'>({ name: 'periscope_agent_scrape_failures_total', help: 'Failed scrapes by reason', labelNames: ['reason'] }),
      targets: self.gauge({ name: 'periscope_agent_scrape_targets', help: 'Scrape targets, static and discovered' }),
    },
    sink: {
      requests: self.counter<'outcome'>({ name: 'periscope_agent_sink_requests_total', help: 'Export requests to the collector by outcome (success, retryable, failure, network)', labelNames: ['outcome'] }),
      breakerState: self.gauge({ name: 'periscope_agent_sink_breaker_open', help: '1 while the circuit breaker towards the collector is open or half-open' }),
      /** wall time by phase, summed over requests in flight (so it can exceed wall time): where a batch's time goes */
      phaseSeconds: self.counter<'phase'>({
        name: 'periscope_agent_sink_phase_seconds_total',
        help: 'Wall time the sink spent per phase: read (buffer read + decode), compress (gzip) and request (POST until the answer) summed over requests in flight, commit (checkpoints saved + buffer acknowledged), wait_data (nothing to send), wait_window (maxInFlight or maxInFlightBytes reached)',
        labelNames: ['phase'],
      }),
    },
  }
}

export type AgentMetrics = ReturnType<typeof createAgentMetrics>
