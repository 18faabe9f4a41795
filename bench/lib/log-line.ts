/**
 * The JSON log line the agent and end-to-end benchmarks append to files: an HTTP access line as a
 * service's JSON logger writes it, with a trace context (every line) and a sequence number (the
 * zero-loss count), one error in twenty.
 */
export function jsonLogLine(i: number): string {
  return (
    JSON.stringify({
      time: new Date().toISOString(),
      level: i % 20 === 0 ? 'error' : 'info',
      msg: `GET /api/cart/${i % 1000} ${i % 20 === 0 ? 500 : 200}`,
      trace_id: (i * 2654435761).toString(16).padStart(32, '0').slice(-32),
      span_id: (i * 40503).toString(16).padStart(16, '0').slice(-16),
      route: '/api/cart/{id}',
      seq: i,
    }) + '\n'
  )
}
