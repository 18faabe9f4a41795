-- Configuration and alerting state.
--
-- Rows that change are versioned: ReplacingMergeTree(Version, Deleted) keeps, per sorting key,
-- the row with the highest Version; Deleted = 1 marks a deletion. Writers insert a whole new
-- row with a larger Version (unix ns of the change is the convention) and readers use FINAL
-- (or argMax(…, Version)) and filter Deleted = 0. Times are DateTime64(9, 'UTC'), unix ns in TS;
-- 0 (1970-01-01) means "not set" (e.g. RevokedAt of a live key).
-- Secrets are never stored: keys and tokens are kept as a sha256 hex hash plus a short
-- prefix for display and lookup. JSON columns hold the parts only the query API interprets.
-- alert_events and notifications are append-only history with a TTL (ttl.alertHistoryDays).

CREATE TABLE IF NOT EXISTS tenants
(
    TenantId String,
    Name String,
    CreatedAt DateTime64(9, 'UTC'),
    Version UInt64,
    Deleted UInt8 DEFAULT 0
)
ENGINE = ReplacingMergeTree(Version, Deleted)
ORDER BY TenantId
SETTINGS non_replicated_deduplication_window = 1000;

-- Ingest keys (collector). Lookup by KeyHash: the table is small and read whole into a cache.
CREATE TABLE IF NOT EXISTS api_keys
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
ENGINE = ReplacingMergeTree(Version, Deleted)
ORDER BY (TenantId, KeyId)
SETTINGS non_replicated_deduplication_window = 1000;

-- Query API bearer tokens; Role is one of admin | editor | viewer.
CREATE TABLE IF NOT EXISTS query_tokens
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
ENGINE = ReplacingMergeTree(Version, Deleted)
ORDER BY (TenantId, TokenId)
SETTINGS non_replicated_deduplication_window = 1000;

-- Kind: availability (good = StatusCode not ERROR) | latency (good = Duration <= ThresholdNs).
-- SpanName '' means every operation of the service.
CREATE TABLE IF NOT EXISTS slos
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
ENGINE = ReplacingMergeTree(Version, Deleted)
ORDER BY (TenantId, SloId)
SETTINGS non_replicated_deduplication_window = 1000;

-- Definition: JSON of what the rule evaluates (query API owned); Severity: page | ticket | info.
CREATE TABLE IF NOT EXISTS alert_rules
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
ENGINE = ReplacingMergeTree(Version, Deleted)
ORDER BY (TenantId, RuleId)
SETTINGS non_replicated_deduplication_window = 1000;

-- Kind: slack | pagerduty | webhook; Config: JSON (URL, routing key …).
CREATE TABLE IF NOT EXISTS channels
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
ENGINE = ReplacingMergeTree(Version, Deleted)
ORDER BY (TenantId, ChannelId)
SETTINGS non_replicated_deduplication_window = 1000;

-- The evaluator's current state per rule and series (AlertKey '' for a single-series rule).
-- State: ok | pending | firing.
CREATE TABLE IF NOT EXISTS alert_state
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
ENGINE = ReplacingMergeTree(Version, Deleted)
ORDER BY (TenantId, RuleId, AlertKey)
SETTINGS non_replicated_deduplication_window = 1000;

-- Transitions: Kind firing | resolved.
CREATE TABLE IF NOT EXISTS alert_events
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
ENGINE = MergeTree
PARTITION BY toYYYYMM(Timestamp)
ORDER BY (TenantId, Timestamp, RuleId)
SETTINGS non_replicated_deduplication_window = 1000;

-- One row per delivery attempt. Status: sent | failed | retrying; HttpStatus 0 = no response.
CREATE TABLE IF NOT EXISTS notifications
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
ENGINE = MergeTree
PARTITION BY toYYYYMM(Timestamp)
ORDER BY (TenantId, EventId, ChannelId, Attempt)
SETTINGS non_replicated_deduplication_window = 1000;

-- Definition: JSON of the board's panels.
CREATE TABLE IF NOT EXISTS dashboards
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
ENGINE = ReplacingMergeTree(Version, Deleted)
ORDER BY (TenantId, DashboardId)
SETTINGS non_replicated_deduplication_window = 1000;
