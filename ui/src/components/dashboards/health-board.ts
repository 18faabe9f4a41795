/**
 * The built-in "Periscope health" board: the platform's own metrics (its services' /metrics,
 * scraped by the agent and stored like any other metric). It is defined here, not stored;
 * "Save a copy" turns it into an ordinary board the user can change.
 */
import type { DashboardDefinition } from '../../api/types.ts'

export const HEALTH_BOARD_ID = 'periscope-health'

export const HEALTH_BOARD: DashboardDefinition = {
  name: 'Periscope health',
  description: "The platform's own metrics: collector, bus, ingest and agents",
  tags: ['built-in'],
  panels: [
    { id: 'accepted', title: 'Collector accepted items/s', type: 'timeseries', query: { source: 'metrics', name: 'periscope_collector_accepted_items_total', aggregation: 'rate', groupBy: ['signal'] }, layout: { x: 0, y: 0, w: 12, h: 4 } },
    { id: 'rejected', title: 'Collector rejected items/s', type: 'timeseries', query: { source: 'metrics', name: 'periscope_collector_rejected_items_total', aggregation: 'rate', groupBy: ['reason'] }, layout: { x: 12, y: 0, w: 12, h: 4 } },
    { id: 'lag', title: 'Bus lag (records behind, by topic)', type: 'timeseries', query: { source: 'metrics', name: 'periscope_ingest_consumer_lag_records', aggregation: 'sum', groupBy: ['topic'] }, layout: { x: 0, y: 4, w: 12, h: 4 } },
    { id: 'rows', title: 'Ingest rows written/s (by table)', type: 'timeseries', query: { source: 'metrics', name: 'periscope_ingest_rows_written_total', aggregation: 'rate', groupBy: ['table'] }, layout: { x: 12, y: 4, w: 12, h: 4 } },
    { id: 'dlq', title: 'Dead letters/s (by topic)', type: 'timeseries', query: { source: 'metrics', name: 'periscope_ingest_dead_letters_total', aggregation: 'rate', groupBy: ['topic'] }, layout: { x: 0, y: 8, w: 12, h: 4 } },
    { id: 'buffer', title: 'Agent buffer unacked bytes', type: 'timeseries', query: { source: 'metrics', name: 'periscope_agent_buffer_unacked_bytes', aggregation: 'max', groupBy: ['host.name'] }, layout: { x: 12, y: 8, w: 12, h: 4 }, unit: 'bytes' },
  ],
}
