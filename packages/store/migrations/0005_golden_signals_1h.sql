-- golden_signals_1h: the hour tier of the golden-signal rollups. A 24 h overview merges 24 rows
-- per operation here instead of 1440 in golden_signals_1m. Same columns as golden_signals_1m
-- with Hour for Minute, so both tiers hold the very same histograms and the query API may mix
-- them in one answer (query-api/src/queries/golden-signals.ts).
--
-- Besides the statement kinds listed in 0001_signals.sql, this file has one
-- INSERT INTO … SELECT: the backfill, run once against the logical tables (on a cluster through
-- the Distributed tables, from the migrating client, not ON CLUSTER).
--
-- Order and re-runs: table, then backfill, then view. The backfill copies the hours of every
-- (tenant, service, operation) that golden_signals_1h does not have yet; each such key is one
-- row of the INSERT and lands whole or not at all, so running it again (a migration interrupted
-- after the INSERT, before schema_migrations records it) adds nothing twice, and after a crash
-- inside the INSERT it adds exactly the missing keys. The view is created last: were it first,
-- rows it forwards before the backfill reads would be counted twice. Minute rows written
-- between the backfill's read and the view's creation are not in the hour tier; the embedded
-- launcher migrates before ingest starts, a migration Job runs before the services roll out —
-- with ingest running (old pods), the hour tier misses at most those seconds.
--
-- Storage: the histograms are most of a row (~1000 buckets of 10 B per busy operation and
-- hour) and all of the read cost, so they use LZ4, which decodes ~2× faster than ZSTD; the
-- tier is 1/60 of the minute rows, so the larger files do not matter. A granule of 256 rows
-- keeps a tenant's or a service's read to its own rows. Partitions are daily like every
-- rollup, so the TTL (rollupsDays, retention.ts) drops whole days.

CREATE TABLE IF NOT EXISTS golden_signals_1h
(
    TenantId LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    Hour DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    Requests SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)),
    Errors SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)),
    DurationSumNs SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1)),
    DurationMaxNs SimpleAggregateFunction(max, UInt64) CODEC(ZSTD(1)),
    LatencyOk SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(LZ4),
    LatencyError SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(LZ4)
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(Hour)
ORDER BY (TenantId, ServiceName, SpanName, Hour)
SETTINGS index_granularity = 256, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

-- In key order, so memory holds one operation's hours at a time, not the whole history.
INSERT INTO golden_signals_1h (TenantId, ServiceName, SpanName, Hour, Requests, Errors, DurationSumNs, DurationMaxNs, LatencyOk, LatencyError)
SELECT
    TenantId,
    ServiceName,
    SpanName,
    toStartOfHour(Minute) AS Hour,
    sum(Requests) AS Requests,
    sum(Errors) AS Errors,
    sum(DurationSumNs) AS DurationSumNs,
    max(DurationMaxNs) AS DurationMaxNs,
    sumMap(LatencyOk) AS LatencyOk,
    sumMap(LatencyError) AS LatencyError
FROM golden_signals_1m
WHERE (TenantId, ServiceName, SpanName, toStartOfHour(Minute)) GLOBAL NOT IN (SELECT TenantId, ServiceName, SpanName, Hour FROM golden_signals_1h)
GROUP BY TenantId, ServiceName, SpanName, Hour
SETTINGS optimize_aggregation_in_order = 1;

-- Cascading: every block the minute view writes into golden_signals_1m is re-aggregated per hour.
CREATE MATERIALIZED VIEW IF NOT EXISTS golden_signals_1h_mv TO golden_signals_1h AS
SELECT
    TenantId,
    ServiceName,
    SpanName,
    toStartOfHour(Minute) AS Hour,
    sum(Requests) AS Requests,
    sum(Errors) AS Errors,
    sum(DurationSumNs) AS DurationSumNs,
    max(DurationMaxNs) AS DurationMaxNs,
    sumMap(LatencyOk) AS LatencyOk,
    sumMap(LatencyError) AS LatencyError
FROM golden_signals_1m
GROUP BY TenantId, ServiceName, SpanName, Hour;
