/**
 * The span tree of a trace in display order: depth-first, children by start time (then span id,
 * so the order is total and stable), each row carrying its depth. Spans whose parent is not in
 * the trace (not arrived, or cut by truncation) become roots, as Jaeger shows them. Every span
 * appears exactly once even if parent links form a cycle (a cycle member reached from nowhere
 * is promoted to a root).
 */

export interface TreeSpanInput {
  spanId: string
  parentSpanId: string
  startNs: bigint
}

export interface TreeRow<S extends TreeSpanInput> {
  span: S
  depth: number
  /** number of direct children */
  childCount: number
  /** index of the parent row in the full order; -1 for roots */
  parentIndex: number
}

function byStart<S extends TreeSpanInput>(a: S, b: S): number {
  if (a.startNs !== b.startNs) return a.startNs < b.startNs ? -1 : 1
  return a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0
}

export function spanTree<S extends TreeSpanInput>(spans: readonly S[]): TreeRow<S>[] {
  const ids = new Set(spans.map((s) => s.spanId))
  const children = new Map<string, S[]>()
  const roots: S[] = []
  for (const span of spans) {
    if (span.parentSpanId === '' || span.parentSpanId === span.spanId || !ids.has(span.parentSpanId)) {
      roots.push(span)
    } else {
      const list = children.get(span.parentSpanId)
      if (list) list.push(span)
      else children.set(span.parentSpanId, [span])
    }
  }
  for (const list of children.values()) list.sort(byStart)
  roots.sort(byStart)

  const rows: TreeRow<S>[] = []
  const seen = new Set<string>()
  // iterative DFS: 5,000-deep chains must not overflow the stack
  const walk = (root: S): void => {
    const stack: { span: S; depth: number; parentIndex: number }[] = [{ span: root, depth: 0, parentIndex: -1 }]
    while (stack.length > 0) {
      const { span, depth, parentIndex } = stack.pop()!
      if (seen.has(span.spanId)) continue
      seen.add(span.spanId)
      const kids = children.get(span.spanId) ?? []
      const index = rows.length
      rows.push({ span, depth, childCount: kids.length, parentIndex })
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i]!, depth: depth + 1, parentIndex: index })
    }
  }
  for (const root of roots) walk(root)
  if (rows.length < spans.length) {
    // spans only reachable through a cycle: promote the earliest unseen one, repeat
    const rest = spans.filter((s) => !seen.has(s.spanId)).sort(byStart)
    for (const span of rest) if (!seen.has(span.spanId)) walk(span)
  }
  return rows
}

/**
 * The rows still visible when the spans in `collapsed` hide their descendants. Returns indices
 * into `rows` (which must be in spanTree order: descendants follow their ancestor contiguously
 * with greater depth).
 */
export function visibleRows<S extends TreeSpanInput>(rows: readonly TreeRow<S>[], collapsed: ReadonlySet<string>): number[] {
  const out: number[] = []
  let hideDeeperThan = Infinity
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    if (row.depth > hideDeeperThan) continue
    hideDeeperThan = Infinity
    out.push(i)
    if (collapsed.has(row.span.spanId) && row.childCount > 0) hideDeeperThan = row.depth
  }
  return out
}
