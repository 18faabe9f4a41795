/**
 * The critical path of a trace (Jaeger's algorithm): walking back from the root's end, the time
 * is attributed to the last-finishing child that ended before the current point, recursively;
 * what no child covers belongs to the span itself. Children are first clipped to their parent's
 * interval (clock skew and async children that outlive the parent), and children wholly outside
 * it are ignored. Invariant: the segments are disjoint, chronological and exactly tile
 * [root start, root end] (zero-length pieces are left out).
 */

export interface PathSpanInput {
  spanId: string
  parentSpanId: string
  startNs: bigint
  durationNs: bigint
}

export interface PathSegment {
  spanId: string
  startNs: bigint
  endNs: bigint
}

interface Node {
  spanId: string
  startNs: bigint
  endNs: bigint
  children: Node[]
}

function clipTree(span: PathSpanInput, startNs: bigint, endNs: bigint, byParent: Map<string, PathSpanInput[]>, seen: Set<string>): Node {
  seen.add(span.spanId)
  const node: Node = { spanId: span.spanId, startNs, endNs, children: [] }
  for (const child of byParent.get(span.spanId) ?? []) {
    if (seen.has(child.spanId)) continue
    const childEnd = child.startNs + child.durationNs
    if (childEnd < startNs || child.startNs > endNs) continue
    const s = child.startNs < startNs ? startNs : child.startNs
    const e = childEnd > endNs ? endNs : childEnd
    node.children.push(clipTree(child, s, e, byParent, seen))
  }
  // last-finishing first; ties: the later start first (the shorter child is the nearer cause)
  node.children.sort((a, b) => (a.endNs !== b.endNs ? (a.endNs > b.endNs ? -1 : 1) : a.startNs > b.startNs ? -1 : a.startNs < b.startNs ? 1 : 0))
  return node
}

function walk(node: Node, cursorNs: bigint, out: PathSegment[]): void {
  let cursor = cursorNs
  let next = 0
  while (cursor > node.startNs) {
    while (next < node.children.length && node.children[next]!.endNs > cursor) next++
    const child = node.children[next]
    if (!child) break
    next++
    if (child.endNs < cursor) out.push({ spanId: node.spanId, startNs: child.endNs, endNs: cursor })
    walk(child, child.endNs, out)
    cursor = child.startNs
  }
  if (cursor > node.startNs) out.push({ spanId: node.spanId, startNs: node.startNs, endNs: cursor })
}

/**
 * Critical path segments from the trace's root (the span without a parent in the trace that
 * ends last; ties by earliest start). Empty for an empty trace.
 */
export function criticalPath(spans: readonly PathSpanInput[]): PathSegment[] {
  if (spans.length === 0) return []
  const ids = new Set(spans.map((s) => s.spanId))
  const byParent = new Map<string, PathSpanInput[]>()
  let root: PathSpanInput | undefined
  for (const span of spans) {
    const isRoot = span.parentSpanId === '' || !ids.has(span.parentSpanId)
    if (isRoot) {
      const end = span.startNs + span.durationNs
      if (!root) root = span
      else {
        const rootEnd = root.startNs + root.durationNs
        if (end > rootEnd || (end === rootEnd && span.startNs < root.startNs)) root = span
      }
    } else {
      const list = byParent.get(span.parentSpanId)
      if (list) list.push(span)
      else byParent.set(span.parentSpanId, [span])
    }
  }
  if (!root) return []
  const tree = clipTree(root, root.startNs, root.startNs + root.durationNs, byParent, new Set())
  const out: PathSegment[] = []
  walk(tree, tree.endNs, out)
  return out.reverse()
}

/** Segments grouped by span id, for drawing them over each span's bar. */
export function segmentsBySpan(segments: readonly PathSegment[]): Map<string, PathSegment[]> {
  const out = new Map<string, PathSegment[]>()
  for (const segment of segments) {
    const list = out.get(segment.spanId)
    if (list) list.push(segment)
    else out.set(segment.spanId, [segment])
  }
  return out
}
