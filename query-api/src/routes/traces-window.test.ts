/**
 * newestInWindow with an in-memory runner: traces that started before the window but have spans
 * in it rank among the candidates; the search must look past them (growing k) and still answer
 * exactly the newest traces that start in the window.
 */
import { describe, expect, it } from 'vitest'
import type { QueryRunner, SqlQuery } from '../sql/query-runner.ts'
import type { TraceCandidateRow, TraceSummaryRow } from '../queries/traces.ts'
import { newestInWindow } from './traces.ts'

interface Trace {
  id: string
  startNs: bigint
  /** first span inside the window (what candidates rank by) */
  firstInWindowNs: bigint
}

function runnerOver(traces: Trace[]): QueryRunner & { statements: string[] } {
  const statements: string[] = []
  return {
    statements,
    async rows<T>(query: SqlQuery): Promise<T[]> {
      statements.push(`${query.name}:${String(query.params.limit ?? (query.params.traceIds as string[]).length)}`)
      if (query.name.startsWith('traces.candidates')) {
        const rows: TraceCandidateRow[] = [...traces]
          .sort((a, b) => (a.firstInWindowNs === b.firstInWindowNs ? (a.id < b.id ? 1 : -1) : a.firstInWindowNs < b.firstInWindowNs ? 1 : -1))
          .slice(0, query.params.limit as number)
          .map((t) => ({ traceId: t.id, firstNs: t.firstInWindowNs.toString() }))
        return rows as T[]
      }
      const ids = new Set(query.params.traceIds as string[])
      const from = BigInt(query.params.windowFromNs as string)
      const rows: TraceSummaryRow[] = traces
        .filter((t) => ids.has(t.id) && t.startNs >= from)
        .sort((a, b) => (a.startNs < b.startNs ? 1 : -1))
        .map((t) => ({ traceId: t.id, startNs: t.startNs.toString(), endNs: t.startNs.toString(), rootService: '', rootName: '', spanCount: '1', errorCount: '0', services: [] }))
      return rows as T[]
    },
  }
}

const window = { windowFromNs: 1000n, windowToNs: 2000n, spansToNs: 2000n, filters: {}, cursor: undefined }

describe('newestInWindow', () => {
  it('drops traces that started before the window, asking for more candidates when needed', async () => {
    // 40 long traces started before the window and have their latest spans in it (they rank first)
    const fakes = Array.from({ length: 40 }, (_, i) => ({ id: `f${String(i).padStart(2, '0')}`, startNs: 500n, firstInWindowNs: 1900n + BigInt(i) }))
    const real = Array.from({ length: 30 }, (_, i) => ({ id: `r${String(i).padStart(2, '0')}`, startNs: 1000n + BigInt(i * 10), firstInWindowNs: 1000n + BigInt(i * 10) }))
    const runner = runnerOver([...fakes, ...real])
    const rows = await newestInWindow(runner, { tenantId: 't' }, window, 5)
    expect(rows.map((r) => r.traceId)).toEqual(['r29', 'r28', 'r27', 'r26', 'r25'])
    expect(runner.statements).toEqual(['traces.candidates:21', 'traces.summaries:21', 'traces.candidates:84', 'traces.summaries:70'])
  })

  it('answers in one round when the newest candidates start in the window', async () => {
    const real = Array.from({ length: 100 }, (_, i) => ({ id: `r${String(i).padStart(3, '0')}`, startNs: 1000n + BigInt(i), firstInWindowNs: 1000n + BigInt(i) }))
    const runner = runnerOver(real)
    expect((await newestInWindow(runner, { tenantId: 't' }, window, 3)).map((r) => r.traceId)).toEqual(['r099', 'r098', 'r097'])
    expect(runner.statements).toHaveLength(2)
  })

  it('returns what there is when every candidate has been seen', async () => {
    const runner = runnerOver([{ id: 'a', startNs: 10n, firstInWindowNs: 1500n }, { id: 'b', startNs: 1200n, firstInWindowNs: 1200n }])
    expect((await newestInWindow(runner, { tenantId: 't' }, window, 5)).map((r) => r.traceId)).toEqual(['b'])
    expect(runner.statements).toHaveLength(2)
  })
})
