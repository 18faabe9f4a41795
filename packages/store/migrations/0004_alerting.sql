-- Alerting: silences, leases, and what the evaluator needs to decide each transition once.
--
-- Two evaluator replicas may run against one store; ClickHouse has no transactions, so the
-- query API's evaluator (query-api/src/alerts/versioned-cas.ts) builds a compare-and-set out of
-- insert deduplication: the next version of a row is inserted with
-- insert_deduplication_token = '<table>/<tenant>/<key>/<version>', so of two writers racing for
-- the same version only the first insert is kept, and each reads back who won. The columns
-- below carry what that read-back needs: who wrote the row (Writer/Holder) and when the server
-- stored it (InsertedAt, a server-side default), the deterministic tiebreak for the rare case
-- of two rows of one version (a writer stalled past the table's deduplication window).

-- Silences: alerts whose labels match every matcher between StartsAt and EndsAt are evaluated
-- and recorded but not notified. Matchers: JSON [{label, op: "=" | "!=", value}].
CREATE TABLE IF NOT EXISTS silences
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
ENGINE = ReplacingMergeTree(Version, Deleted)
ORDER BY (TenantId, SilenceId)
SETTINGS non_replicated_deduplication_window = 1000;

-- Leases: the evaluator's leadership (TenantId '', LeaseKey 'evaluator') and one per delivery of
-- an alert event to a channel (LeaseKey 'delivery/<EventId>/<ChannelId>'). Version counts up
-- from 1 per key; the holder of the highest version holds the lease until ExpiresAt.
CREATE TABLE IF NOT EXISTS alert_leases
(
    TenantId String,
    LeaseKey String,
    Holder String,
    ExpiresAt DateTime64(9, 'UTC'),
    Version UInt64,
    InsertedAt DateTime64(9, 'UTC') DEFAULT now64(9)
)
ENGINE = ReplacingMergeTree(Version)
ORDER BY (TenantId, LeaseKey)
SETTINGS non_replicated_deduplication_window = 1000;

-- alert_state rows are written by the same compare-and-set: Version counts transitions of a
-- series from 1, Writer names the evaluator instance that decided the transition.
ALTER TABLE alert_state ADD COLUMN IF NOT EXISTS Writer String DEFAULT '';
ALTER TABLE alert_state ADD COLUMN IF NOT EXISTS InsertedAt DateTime64(9, 'UTC') DEFAULT now64(9);
