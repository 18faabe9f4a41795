-- Derived tables, filled by materialized views on insert into otel_traces / otel_logs.
-- They hold partial aggregates (SimpleAggregateFunction): a query must always aggregate them
-- again (min/max/sum/sumMap/groupUniqArrayArray … GROUP BY the key) and never trust one row,
-- because rows of the same key are only collapsed by background merges. Their targets set
-- non_replicated_deduplication_window too, so a deduplicated insert is not counted twice.

-- trace_index: one lookup finds a trace's time slice (Start..End) and summary; the span query
-- then reads otel_traces with `Timestamp BETWEEN Start AND End AND TraceId = …`.
-- End is the latest span end (start + duration). RootServiceName/RootSpanName come from the
-- span without a parent ('' until that span has arrived).
CREATE TABLE IF NOT EXISTS trace_index
(
    TenantId LowCardinality(String) CODEC(ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    Start SimpleAggregateFunction(min, DateTime64(9, 'UTC')) CODEC(ZSTD(1)),
    End SimpleAggregateFunction(max, DateTime64(9, 'UTC')) CODEC(ZSTD(1)),
    Services SimpleAggregateFunction(groupUniqArrayArray, Array(String)) CODEC(ZSTD(1)),
    RootServiceName SimpleAggregateFunction(max, String) CODEC(ZSTD(1)),
    RootSpanName SimpleAggregateFunction(max, String) CODEC(ZSTD(1)),
    SpanCount SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1)),
    ErrorCount SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1))
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(Start)
ORDER BY (TenantId, TraceId)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_index_mv TO trace_index AS
SELECT
    TenantId,
    TraceId,
    min(Timestamp) AS Start,
    max(fromUnixTimestamp64Nano(toUnixTimestamp64Nano(Timestamp) + toInt64(Duration), 'UTC')) AS End,
    groupUniqArray(toString(ServiceName)) AS Services,
    maxIf(toString(ServiceName), ParentSpanId = '') AS RootServiceName,
    maxIf(toString(SpanName), ParentSpanId = '') AS RootSpanName,
    count() AS SpanCount,
    countIf(StatusCode = 'STATUS_CODE_ERROR') AS ErrorCount
FROM otel_traces
GROUP BY TenantId, TraceId;

-- golden_signals_1m: RED per minute per tenant/service/operation, from ENTRY spans only
-- (SpanKind SERVER or CONSUMER). Latency is a log-bucketed histogram bucket → count
-- (latency-buckets.ts; the expression below must stay equal to LATENCY_BUCKET_SQL), kept
-- separately for successful (StatusCode not ERROR) and failed requests.
CREATE TABLE IF NOT EXISTS golden_signals_1m
(
    TenantId LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    Minute DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    Requests SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)),
    Errors SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)),
    DurationSumNs SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1)),
    DurationMaxNs SimpleAggregateFunction(max, UInt64) CODEC(ZSTD(1)),
    LatencyOk SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(1)),
    LatencyError SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(1))
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(Minute)
ORDER BY (TenantId, ServiceName, SpanName, Minute)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS golden_signals_1m_mv TO golden_signals_1m AS
SELECT
    TenantId,
    ServiceName,
    SpanName,
    toStartOfMinute(toDateTime(Timestamp, 'UTC')) AS Minute,
    count() AS Requests,
    countIf(StatusCode = 'STATUS_CODE_ERROR') AS Errors,
    sum(Duration) AS DurationSumNs,
    max(Duration) AS DurationMaxNs,
    sumMapIf(map(toUInt16(floor(log(greatest(Duration, 1)) / log(1.01) + 0.5)), toUInt64(1)), StatusCode != 'STATUS_CODE_ERROR') AS LatencyOk,
    sumMapIf(map(toUInt16(floor(log(greatest(Duration, 1)) / log(1.01) + 0.5)), toUInt64(1)), StatusCode = 'STATUS_CODE_ERROR') AS LatencyError
FROM otel_traces
WHERE SpanKind IN ('SPAN_KIND_SERVER', 'SPAN_KIND_CONSUMER')
GROUP BY TenantId, ServiceName, SpanName, Minute;

-- log_counts_1m: log records per minute per tenant/service/severity (dashboards, error-log alerts).
CREATE TABLE IF NOT EXISTS log_counts_1m
(
    TenantId LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    SeverityNumber UInt8 CODEC(ZSTD(1)),
    SeverityText LowCardinality(String) CODEC(ZSTD(1)),
    Minute DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    Count SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1))
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(Minute)
ORDER BY (TenantId, ServiceName, SeverityNumber, SeverityText, Minute)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS log_counts_1m_mv TO log_counts_1m AS
SELECT
    TenantId,
    ServiceName,
    SeverityNumber,
    SeverityText,
    toStartOfMinute(toDateTime(Timestamp, 'UTC')) AS Minute,
    count() AS Count
FROM otel_logs
GROUP BY TenantId, ServiceName, SeverityNumber, SeverityText, Minute;
