/**
 * The trace search of the URL: the form's fields map 1:1 to the query API's /traces params;
 * attributes are typed as `key=value` pairs separated by spaces or new lines and become
 * `attr.<key>=<value>` params.
 */

export interface TraceSearch {
  service: string
  operation: string
  status: string
  minDurationMs: string
  maxDurationMs: string
  attributes: string
}

export const SEARCH_KEYS = ['service', 'operation', 'status', 'minDurationMs', 'maxDurationMs'] as const

export function searchFromParams(params: URLSearchParams): TraceSearch {
  const attrs: string[] = []
  for (const [key, value] of params) if (key.startsWith('attr.')) attrs.push(`${key.slice(5)}=${value}`)
  return {
    service: params.get('service') ?? '',
    operation: params.get('operation') ?? '',
    status: params.get('status') ?? '',
    minDurationMs: params.get('minDurationMs') ?? '',
    maxDurationMs: params.get('maxDurationMs') ?? '',
    attributes: attrs.join(' '),
  }
}

/** `a=1 b=two` → [['a','1'],['b','two']]; malformed pieces are reported, not dropped silently. */
export function parseAttributes(text: string): { pairs: [string, string][]; invalid: string[] } {
  const pairs: [string, string][] = []
  const invalid: string[] = []
  for (const piece of text.split(/\s+/).filter(Boolean)) {
    const eq = piece.indexOf('=')
    if (eq <= 0) invalid.push(piece)
    else pairs.push([piece.slice(0, eq), piece.slice(eq + 1)])
  }
  return { pairs, invalid }
}

/** The query API params of a search (without the time range). */
export function searchParams(search: TraceSearch): Record<string, string> {
  const out: Record<string, string> = {}
  for (const key of SEARCH_KEYS) if (search[key].trim()) out[key] = search[key].trim()
  for (const [k, v] of parseAttributes(search.attributes).pairs) out[`attr.${k}`] = v
  return out
}
