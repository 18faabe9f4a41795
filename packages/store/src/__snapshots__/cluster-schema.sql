-- 0001_signals
CREATE TABLE IF NOT EXISTS otel_traces_local ON CLUSTER '{cluster}'
(
    TenantId LowCardinality(String) CODEC(ZSTD(1)),
    Timestamp DateTime64(9, 'UTC') CODEC(Delta(8), ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    ParentSpanId String CODEC(ZSTD(1)),
    TraceState String CODEC(ZSTD(1)),
    TraceFlags UInt8 CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    SpanKind LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1)),
    ResourceSchemaUrl LowCardinality(String) CODEC(ZSTD(1)),
    ScopeName LowCardinality(String) CODEC(ZSTD(1)),
    ScopeVersion LowCardinality(String) CODEC(ZSTD(1)),
    ScopeAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    SpanAttributes Map(LowCardinality(String), String) CODEC(ZSTD(6)),
    Duration UInt64 CODEC(T64, ZSTD(1)),
    StatusCode LowCardinality(String) CODEC(ZSTD(1)),
    StatusMessage String CODEC(ZSTD(1)),
    DroppedAttributesCount UInt32 CODEC(T64, ZSTD(1)),
    DroppedEventsCount UInt32 CODEC(T64, ZSTD(1)),
    DroppedLinksCount UInt32 CODEC(T64, ZSTD(1)),
    Events Nested
    (
        Timestamp DateTime64(9, 'UTC'),
        Name LowCardinality(String),
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    Links Nested
    (
        TraceId String,
        SpanId String,
        TraceState String,
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_duration Duration TYPE minmax GRANULARITY 1,
    INDEX idx_span_attr_key mapKeys(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toDate(Timestamp)
ORDER BY (TenantId, ServiceName, toStartOfMinute(Timestamp), TraceId)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS otel_traces ON CLUSTER '{cluster}' AS otel_traces_local
ENGINE = Distributed('{cluster}', currentDatabase(), otel_traces_local, cityHash64(TraceId));

CREATE TABLE IF NOT EXISTS otel_logs_local ON CLUSTER '{cluster}'
(
    TenantId LowCardinality(String) CODEC(ZSTD(1)),
    Timestamp DateTime64(9, 'UTC') CODEC(Delta(8), ZSTD(1)),
    ObservedTimestamp DateTime64(9, 'UTC') CODEC(Delta(8), ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    TraceFlags UInt8 CODEC(ZSTD(1)),
    SeverityText LowCardinality(String) CODEC(ZSTD(1)),
    SeverityNumber UInt8 CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    Body String CODEC(ZSTD(1)),
    EventName LowCardinality(String) CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1)),
    ResourceSchemaUrl LowCardinality(String) CODEC(ZSTD(1)),
    ScopeName LowCardinality(String) CODEC(ZSTD(1)),
    ScopeVersion LowCardinality(String) CODEC(ZSTD(1)),
    ScopeAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    LogAttributes Map(LowCardinality(String), String) CODEC(ZSTD(6)),
    DroppedAttributesCount UInt32 CODEC(T64, ZSTD(1)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_body lower(Body) TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 1,
    INDEX idx_log_attr_key mapKeys(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_log_attr_value mapValues(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toDate(Timestamp)
ORDER BY (TenantId, ServiceName, SeverityNumber, toDateTime(Timestamp))
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS otel_logs ON CLUSTER '{cluster}' AS otel_logs_local
ENGINE = Distributed('{cluster}', currentDatabase(), otel_logs_local, rand());

CREATE TABLE IF NOT EXISTS otel_metrics_gauge_local ON CLUSTER '{cluster}'
(
    TenantId LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    MetricName LowCardinality(String) CODEC(ZSTD(1)),
    MetricDescription LowCardinality(String) CODEC(ZSTD(1)),
    MetricUnit LowCardinality(String) CODEC(ZSTD(1)),
    Attributes Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1)),
    StartTimeUnix DateTime64(9, 'UTC') CODEC(Delta(8), ZSTD(1)),
    TimeUnix DateTime64(9, 'UTC') CODEC(Delta(8), ZSTD(1)),
    Value Float64 CODEC(ZSTD(1)),
    Flags UInt32 CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1)),
    ResourceSchemaUrl LowCardinality(String) CODEC(ZSTD(1)),
    ScopeName LowCardinality(String) CODEC(ZSTD(1)),
    ScopeVersion LowCardinality(String) CODEC(ZSTD(1)),
    ScopeAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    INDEX idx_attr_key mapKeys(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_attr_value mapValues(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toDate(TimeUnix)
ORDER BY (TenantId, MetricName, ServiceName, cityHash64(Attributes), TimeUnix)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS otel_metrics_gauge ON CLUSTER '{cluster}' AS otel_metrics_gauge_local
ENGINE = Distributed('{cluster}', currentDatabase(), otel_metrics_gauge_local, rand());

CREATE TABLE IF NOT EXISTS otel_metrics_sum_local ON CLUSTER '{cluster}'
(
    TenantId LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    MetricName LowCardinality(String) CODEC(ZSTD(1)),
    MetricDescription LowCardinality(String) CODEC(ZSTD(1)),
    MetricUnit LowCardinality(String) CODEC(ZSTD(1)),
    Attributes Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1)),
    StartTimeUnix DateTime64(9, 'UTC') CODEC(Delta(8), ZSTD(1)),
    TimeUnix DateTime64(9, 'UTC') CODEC(Delta(8), ZSTD(1)),
    Value Float64 CODEC(ZSTD(1)),
    Flags UInt32 CODEC(ZSTD(1)),
    AggregationTemporality Int8 CODEC(ZSTD(1)),
    IsMonotonic Bool CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1)),
    ResourceSchemaUrl LowCardinality(String) CODEC(ZSTD(1)),
    ScopeName LowCardinality(String) CODEC(ZSTD(1)),
    ScopeVersion LowCardinality(String) CODEC(ZSTD(1)),
    ScopeAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    INDEX idx_attr_key mapKeys(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_attr_value mapValues(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toDate(TimeUnix)
ORDER BY (TenantId, MetricName, ServiceName, cityHash64(Attributes), TimeUnix)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS otel_metrics_sum ON CLUSTER '{cluster}' AS otel_metrics_sum_local
ENGINE = Distributed('{cluster}', currentDatabase(), otel_metrics_sum_local, rand());

CREATE TABLE IF NOT EXISTS otel_metrics_histogram_local ON CLUSTER '{cluster}'
(
    TenantId LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    MetricName LowCardinality(String) CODEC(ZSTD(1)),
    MetricDescription LowCardinality(String) CODEC(ZSTD(1)),
    MetricUnit LowCardinality(String) CODEC(ZSTD(1)),
    Attributes Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1)),
    StartTimeUnix DateTime64(9, 'UTC') CODEC(Delta(8), ZSTD(1)),
    TimeUnix DateTime64(9, 'UTC') CODEC(Delta(8), ZSTD(1)),
    Count UInt64 CODEC(T64, ZSTD(1)),
    Sum Float64 CODEC(ZSTD(1)),
    BucketCounts Array(UInt64) CODEC(ZSTD(1)),
    ExplicitBounds Array(Float64) CODEC(ZSTD(1)),
    Min Nullable(Float64) CODEC(ZSTD(1)),
    Max Nullable(Float64) CODEC(ZSTD(1)),
    Flags UInt32 CODEC(ZSTD(1)),
    AggregationTemporality Int8 CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1)),
    ResourceSchemaUrl LowCardinality(String) CODEC(ZSTD(1)),
    ScopeName LowCardinality(String) CODEC(ZSTD(1)),
    ScopeVersion LowCardinality(String) CODEC(ZSTD(1)),
    ScopeAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    INDEX idx_attr_key mapKeys(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_attr_value mapValues(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toDate(TimeUnix)
ORDER BY (TenantId, MetricName, ServiceName, cityHash64(Attributes), TimeUnix)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS otel_metrics_histogram ON CLUSTER '{cluster}' AS otel_metrics_histogram_local
ENGINE = Distributed('{cluster}', currentDatabase(), otel_metrics_histogram_local, rand());

CREATE TABLE IF NOT EXISTS otel_metrics_exponential_histogram_local ON CLUSTER '{cluster}'
(
    TenantId LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    MetricName LowCardinality(String) CODEC(ZSTD(1)),
    MetricDescription LowCardinality(String) CODEC(ZSTD(1)),
    MetricUnit LowCardinality(String) CODEC(ZSTD(1)),
    Attributes Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1)),
    StartTimeUnix DateTime64(9, 'UTC') CODEC(Delta(8), ZSTD(1)),
    TimeUnix DateTime64(9, 'UTC') CODEC(Delta(8), ZSTD(1)),
    Count UInt64 CODEC(T64, ZSTD(1)),
    Sum Float64 CODEC(ZSTD(1)),
    Scale Int32 CODEC(ZSTD(1)),
    ZeroCount UInt64 CODEC(T64, ZSTD(1)),
    ZeroThreshold Float64 CODEC(ZSTD(1)),
    PositiveOffset Int32 CODEC(ZSTD(1)),
    PositiveBucketCounts Array(UInt64) CODEC(ZSTD(1)),
    NegativeOffset Int32 CODEC(ZSTD(1)),
    NegativeBucketCounts Array(UInt64) CODEC(ZSTD(1)),
    Min Nullable(Float64) CODEC(ZSTD(1)),
    Max Nullable(Float64) CODEC(ZSTD(1)),
    Flags UInt32 CODEC(ZSTD(1)),
    AggregationTemporality Int8 CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1)),
    ResourceSchemaUrl LowCardinality(String) CODEC(ZSTD(1)),
    ScopeName LowCardinality(String) CODEC(ZSTD(1)),
    ScopeVersion LowCardinality(String) CODEC(ZSTD(1)),
    ScopeAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    INDEX idx_attr_key mapKeys(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_attr_value mapValues(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toDate(TimeUnix)
ORDER BY (TenantId, MetricName, ServiceName, cityHash64(Attributes), TimeUnix)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS otel_metrics_exponential_histogram ON CLUSTER '{cluster}' AS otel_metrics_exponential_histogram_local
ENGINE = Distributed('{cluster}', currentDatabase(), otel_metrics_exponential_histogram_local, rand());

CREATE TABLE IF NOT EXISTS otel_metrics_summary_local ON CLUSTER '{cluster}'
(
    TenantId LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    MetricName LowCardinality(String) CODEC(ZSTD(1)),
    MetricDescription LowCardinality(String) CODEC(ZSTD(1)),
    MetricUnit LowCardinality(String) CODEC(ZSTD(1)),
    Attributes Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1)),
    StartTimeUnix DateTime64(9, 'UTC') CODEC(Delta(8), ZSTD(1)),
    TimeUnix DateTime64(9, 'UTC') CODEC(Delta(8), ZSTD(1)),
    Count UInt64 CODEC(T64, ZSTD(1)),
    Sum Float64 CODEC(ZSTD(1)),
    ValueAtQuantiles Nested
    (
        Quantile Float64,
        Value Float64
    ) CODEC(ZSTD(1)),
    Flags UInt32 CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), LowCardinality(String)) CODEC(ZSTD(1)),
    ResourceSchemaUrl LowCardinality(String) CODEC(ZSTD(1)),
    ScopeName LowCardinality(String) CODEC(ZSTD(1)),
    ScopeVersion LowCardinality(String) CODEC(ZSTD(1)),
    ScopeAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    INDEX idx_attr_key mapKeys(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_attr_value mapValues(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toDate(TimeUnix)
ORDER BY (TenantId, MetricName, ServiceName, cityHash64(Attributes), TimeUnix)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS otel_metrics_summary ON CLUSTER '{cluster}' AS otel_metrics_summary_local
ENGINE = Distributed('{cluster}', currentDatabase(), otel_metrics_summary_local, rand());

-- 0002_trace_index_and_rollups
CREATE TABLE IF NOT EXISTS trace_index_local ON CLUSTER '{cluster}'
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
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toDate(Start)
ORDER BY (TenantId, TraceId)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS trace_index ON CLUSTER '{cluster}' AS trace_index_local
ENGINE = Distributed('{cluster}', currentDatabase(), trace_index_local, rand());

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_index_mv ON CLUSTER '{cluster}' TO trace_index_local AS SELECT
    TenantId,
    TraceId,
    min(Timestamp) AS Start,
    max(fromUnixTimestamp64Nano(toUnixTimestamp64Nano(Timestamp) + toInt64(Duration), 'UTC')) AS End,
    groupUniqArray(toString(ServiceName)) AS Services,
    maxIf(toString(ServiceName), ParentSpanId = '') AS RootServiceName,
    maxIf(toString(SpanName), ParentSpanId = '') AS RootSpanName,
    count() AS SpanCount,
    countIf(StatusCode = 'STATUS_CODE_ERROR') AS ErrorCount
FROM otel_traces_local
GROUP BY TenantId, TraceId;

CREATE TABLE IF NOT EXISTS golden_signals_1m_local ON CLUSTER '{cluster}'
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
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toDate(Minute)
ORDER BY (TenantId, ServiceName, SpanName, Minute)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS golden_signals_1m ON CLUSTER '{cluster}' AS golden_signals_1m_local
ENGINE = Distributed('{cluster}', currentDatabase(), golden_signals_1m_local, rand());

CREATE MATERIALIZED VIEW IF NOT EXISTS golden_signals_1m_mv ON CLUSTER '{cluster}' TO golden_signals_1m_local AS SELECT
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
FROM otel_traces_local
WHERE SpanKind IN ('SPAN_KIND_SERVER', 'SPAN_KIND_CONSUMER')
GROUP BY TenantId, ServiceName, SpanName, Minute;

CREATE TABLE IF NOT EXISTS log_counts_1m_local ON CLUSTER '{cluster}'
(
    TenantId LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    SeverityNumber UInt8 CODEC(ZSTD(1)),
    SeverityText LowCardinality(String) CODEC(ZSTD(1)),
    Minute DateTime('UTC') CODEC(Delta(4), ZSTD(1)),
    Count SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1))
)
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toDate(Minute)
ORDER BY (TenantId, ServiceName, SeverityNumber, SeverityText, Minute)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS log_counts_1m ON CLUSTER '{cluster}' AS log_counts_1m_local
ENGINE = Distributed('{cluster}', currentDatabase(), log_counts_1m_local, rand());

CREATE MATERIALIZED VIEW IF NOT EXISTS log_counts_1m_mv ON CLUSTER '{cluster}' TO log_counts_1m_local AS SELECT
    TenantId,
    ServiceName,
    SeverityNumber,
    SeverityText,
    toStartOfMinute(toDateTime(Timestamp, 'UTC')) AS Minute,
    count() AS Count
FROM otel_logs_local
GROUP BY TenantId, ServiceName, SeverityNumber, SeverityText, Minute;

-- 0003_config
CREATE TABLE IF NOT EXISTS tenants_local ON CLUSTER '{cluster}'
(
    TenantId String,
    Name String,
    CreatedAt DateTime64(9, 'UTC'),
    Version UInt64,
    Deleted UInt8 DEFAULT 0
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', Version, Deleted)
ORDER BY TenantId
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS tenants ON CLUSTER '{cluster}' AS tenants_local
ENGINE = Distributed('{cluster}', currentDatabase(), tenants_local, cityHash64(TenantId));

CREATE TABLE IF NOT EXISTS api_keys_local ON CLUSTER '{cluster}'
(
    TenantId String,
    KeyId String,
    KeyPrefix String,
    KeyHash String,
    Name String,
    CreatedAt DateTime64(9, 'UTC'),
    RevokedAt DateTime64(9, 'UTC') DEFAULT 0,
    Version UInt64,
    Deleted UInt8 DEFAULT 0
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', Version, Deleted)
ORDER BY (TenantId, KeyId)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS api_keys ON CLUSTER '{cluster}' AS api_keys_local
ENGINE = Distributed('{cluster}', currentDatabase(), api_keys_local, cityHash64(TenantId));

CREATE TABLE IF NOT EXISTS query_tokens_local ON CLUSTER '{cluster}'
(
    TenantId String,
    TokenId String,
    TokenPrefix String,
    TokenHash String,
    Name String,
    Role LowCardinality(String),
    CreatedAt DateTime64(9, 'UTC'),
    RevokedAt DateTime64(9, 'UTC') DEFAULT 0,
    Version UInt64,
    Deleted UInt8 DEFAULT 0
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', Version, Deleted)
ORDER BY (TenantId, TokenId)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS query_tokens ON CLUSTER '{cluster}' AS query_tokens_local
ENGINE = Distributed('{cluster}', currentDatabase(), query_tokens_local, cityHash64(TenantId));

CREATE TABLE IF NOT EXISTS slos_local ON CLUSTER '{cluster}'
(
    TenantId String,
    SloId String,
    Name String,
    Description String DEFAULT '',
    ServiceName String,
    SpanName String DEFAULT '',
    Kind LowCardinality(String),
    ObjectivePercent Float64,
    ThresholdNs UInt64 DEFAULT 0,
    WindowDays UInt16 DEFAULT 30,
    CreatedAt DateTime64(9, 'UTC'),
    UpdatedAt DateTime64(9, 'UTC'),
    Version UInt64,
    Deleted UInt8 DEFAULT 0
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', Version, Deleted)
ORDER BY (TenantId, SloId)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS slos ON CLUSTER '{cluster}' AS slos_local
ENGINE = Distributed('{cluster}', currentDatabase(), slos_local, cityHash64(TenantId));

CREATE TABLE IF NOT EXISTS alert_rules_local ON CLUSTER '{cluster}'
(
    TenantId String,
    RuleId String,
    Name String,
    Kind LowCardinality(String),
    Definition String,
    Severity LowCardinality(String),
    ChannelIds Array(String),
    Enabled Bool DEFAULT true,
    CreatedAt DateTime64(9, 'UTC'),
    UpdatedAt DateTime64(9, 'UTC'),
    Version UInt64,
    Deleted UInt8 DEFAULT 0
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', Version, Deleted)
ORDER BY (TenantId, RuleId)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS alert_rules ON CLUSTER '{cluster}' AS alert_rules_local
ENGINE = Distributed('{cluster}', currentDatabase(), alert_rules_local, cityHash64(TenantId));

CREATE TABLE IF NOT EXISTS channels_local ON CLUSTER '{cluster}'
(
    TenantId String,
    ChannelId String,
    Name String,
    Kind LowCardinality(String),
    Config String,
    CreatedAt DateTime64(9, 'UTC'),
    UpdatedAt DateTime64(9, 'UTC'),
    Version UInt64,
    Deleted UInt8 DEFAULT 0
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', Version, Deleted)
ORDER BY (TenantId, ChannelId)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS channels ON CLUSTER '{cluster}' AS channels_local
ENGINE = Distributed('{cluster}', currentDatabase(), channels_local, cityHash64(TenantId));

CREATE TABLE IF NOT EXISTS alert_state_local ON CLUSTER '{cluster}'
(
    TenantId String,
    RuleId String,
    AlertKey String DEFAULT '',
    State LowCardinality(String),
    Since DateTime64(9, 'UTC'),
    LastEvaluatedAt DateTime64(9, 'UTC'),
    Value Float64,
    Version UInt64,
    Deleted UInt8 DEFAULT 0
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', Version, Deleted)
ORDER BY (TenantId, RuleId, AlertKey)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS alert_state ON CLUSTER '{cluster}' AS alert_state_local
ENGINE = Distributed('{cluster}', currentDatabase(), alert_state_local, cityHash64(TenantId));

CREATE TABLE IF NOT EXISTS alert_events_local ON CLUSTER '{cluster}'
(
    TenantId String,
    EventId String,
    RuleId String,
    AlertKey String DEFAULT '',
    Timestamp DateTime64(9, 'UTC'),
    Kind LowCardinality(String),
    Severity LowCardinality(String),
    Value Float64,
    Summary String,
    Details String DEFAULT '{}'
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(Timestamp)
ORDER BY (TenantId, Timestamp, RuleId)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS alert_events ON CLUSTER '{cluster}' AS alert_events_local
ENGINE = Distributed('{cluster}', currentDatabase(), alert_events_local, rand());

CREATE TABLE IF NOT EXISTS notifications_local ON CLUSTER '{cluster}'
(
    TenantId String,
    NotificationId String,
    EventId String,
    ChannelId String,
    Attempt UInt16,
    Timestamp DateTime64(9, 'UTC'),
    Status LowCardinality(String),
    HttpStatus UInt16 DEFAULT 0,
    Error String DEFAULT ''
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(Timestamp)
ORDER BY (TenantId, EventId, ChannelId, Attempt)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS notifications ON CLUSTER '{cluster}' AS notifications_local
ENGINE = Distributed('{cluster}', currentDatabase(), notifications_local, rand());

CREATE TABLE IF NOT EXISTS dashboards_local ON CLUSTER '{cluster}'
(
    TenantId String,
    DashboardId String,
    Name String,
    Definition String,
    CreatedAt DateTime64(9, 'UTC'),
    UpdatedAt DateTime64(9, 'UTC'),
    Version UInt64,
    Deleted UInt8 DEFAULT 0
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', Version, Deleted)
ORDER BY (TenantId, DashboardId)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS dashboards ON CLUSTER '{cluster}' AS dashboards_local
ENGINE = Distributed('{cluster}', currentDatabase(), dashboards_local, cityHash64(TenantId));

-- 0004_alerting
CREATE TABLE IF NOT EXISTS silences_local ON CLUSTER '{cluster}'
(
    TenantId String,
    SilenceId String,
    Matchers String,
    StartsAt DateTime64(9, 'UTC'),
    EndsAt DateTime64(9, 'UTC'),
    Comment String DEFAULT '',
    CreatedBy String DEFAULT '',
    CreatedAt DateTime64(9, 'UTC'),
    UpdatedAt DateTime64(9, 'UTC'),
    Version UInt64,
    Deleted UInt8 DEFAULT 0
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', Version, Deleted)
ORDER BY (TenantId, SilenceId)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS silences ON CLUSTER '{cluster}' AS silences_local
ENGINE = Distributed('{cluster}', currentDatabase(), silences_local, cityHash64(TenantId));

CREATE TABLE IF NOT EXISTS alert_leases_local ON CLUSTER '{cluster}'
(
    TenantId String,
    LeaseKey String,
    Holder String,
    ExpiresAt DateTime64(9, 'UTC'),
    Version UInt64,
    InsertedAt DateTime64(9, 'UTC') DEFAULT now64(9)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', Version)
ORDER BY (TenantId, LeaseKey)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS alert_leases ON CLUSTER '{cluster}' AS alert_leases_local
ENGINE = Distributed('{cluster}', currentDatabase(), alert_leases_local, cityHash64(TenantId));

ALTER TABLE alert_state_local ON CLUSTER '{cluster}' ADD COLUMN IF NOT EXISTS Writer String DEFAULT '';

ALTER TABLE alert_state ON CLUSTER '{cluster}' ADD COLUMN IF NOT EXISTS Writer String DEFAULT '';

ALTER TABLE alert_state_local ON CLUSTER '{cluster}' ADD COLUMN IF NOT EXISTS InsertedAt DateTime64(9, 'UTC') DEFAULT now64(9);

ALTER TABLE alert_state ON CLUSTER '{cluster}' ADD COLUMN IF NOT EXISTS InsertedAt DateTime64(9, 'UTC') DEFAULT now64(9);

-- 0005_golden_signals_1h
CREATE TABLE IF NOT EXISTS golden_signals_1h_local ON CLUSTER '{cluster}'
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
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toDate(Hour)
ORDER BY (TenantId, ServiceName, SpanName, Hour)
SETTINGS index_granularity = 256, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS golden_signals_1h ON CLUSTER '{cluster}' AS golden_signals_1h_local
ENGINE = Distributed('{cluster}', currentDatabase(), golden_signals_1h_local, rand());

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

CREATE MATERIALIZED VIEW IF NOT EXISTS golden_signals_1h_mv ON CLUSTER '{cluster}' TO golden_signals_1h_local AS SELECT
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
FROM golden_signals_1m_local
GROUP BY TenantId, ServiceName, SpanName, Hour;
