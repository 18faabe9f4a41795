/**
 * 500 distinct SQL-injection strings for ClickHouse-backed APIs: quote breaks of every quoting
 * style ClickHouse knows (', ", `, backslash escapes, heredoc $$), comment styles, stacked
 * statements, UNION reads of other tenants' rows and of system tables, SETTINGS/FORMAT tails,
 * query-parameter placeholders, function calls with side effects (sleep, url(), file()),
 * encodings (URL-encoded, unicode quotes, NUL) — combined deterministically.
 */
const BREAKS = ["'", '"', '`', "\\'", "')", "'))", "\\\\'", '$$', '%27', '\u2019', "'\u0000", '']
const BODIES = [
  'OR 1=1',
  "OR '1'='1",
  'OR TenantId != TenantId',
  'UNION ALL SELECT TenantId, ServiceName FROM otel_traces',
  'UNION ALL SELECT name, engine FROM system.tables',
  '; DROP TABLE otel_traces',
  '; TRUNCATE TABLE api_keys',
  "; INSERT INTO api_keys (TenantId) VALUES ('pwned')",
  'AND sleep(3)=0',
  "AND length(url('http://127.0.0.1:1/x', CSV, 'a String'))>0",
  "AND file('/etc/passwd') != ''",
  '{tenantId:String}',
  'SETTINGS readonly=0, max_execution_time=0',
  'FORMAT TSVRaw',
  "OR has(mapKeys(SpanAttributes), 'x')",
  'OR 1 IN (SELECT 1)',
  "|| (SELECT any(TenantId) FROM otel_traces)",
  'INTO OUTFILE \'/tmp/x\'',
  'AND 1=(SELECT count() FROM system.query_log)',
  'GLOBAL JOIN otel_logs USING (TraceId)',
]
const TAILS = [' --', ' #', ' /*', ';', '', ' -- -']

export function injectionStrings(count = 500): string[] {
  const out = new Set<string>()
  for (let i = 0; out.size < count; i++) {
    const b = BREAKS[i % BREAKS.length]!
    const body = BODIES[Math.floor(i / BREAKS.length) % BODIES.length]!
    const tail = TAILS[Math.floor(i / (BREAKS.length * BODIES.length)) % TAILS.length]!
    out.add(`frontend${b} ${body}${tail}`)
    if (i > count * 10) throw new Error('not enough distinct injection strings')
  }
  return [...out]
}
