/**
 * logfmt (`key=value key2="quoted \"value\"" flag`) → an ordered record of strings. A bare key
 * without `=` is `true`, as in the Heroku/Go logfmt convention. Returns undefined when the line
 * is not logfmt (no key=value pair at all, or a key with characters logfmt keys never have).
 */

const KEY_CHAR = /[A-Za-z0-9_.\-@/:]/

export function parseLogfmt(line: string): Record<string, string> | undefined {
  const out: Record<string, string> = {}
  let pairs = 0
  let i = 0
  const n = line.length
  while (i < n) {
    while (i < n && line[i] === ' ') i++
    if (i >= n) break
    const keyStart = i
    while (i < n && KEY_CHAR.test(line[i]!)) i++
    if (i === keyStart) return undefined
    const key = line.slice(keyStart, i)
    if (i >= n || line[i] === ' ') {
      out[key] = 'true'
      continue
    }
    if (line[i] !== '=') return undefined
    i++
    let value = ''
    if (line[i] === '"') {
      i++
      let closed = false
      while (i < n) {
        const c = line[i]!
        if (c === '\\' && i + 1 < n) {
          const next = line[i + 1]!
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next
          i += 2
          continue
        }
        if (c === '"') {
          closed = true
          i++
          break
        }
        value += c
        i++
      }
      if (!closed) return undefined
    } else {
      const valueStart = i
      while (i < n && line[i] !== ' ') i++
      value = line.slice(valueStart, i)
    }
    out[key] = value
    pairs++
  }
  return pairs > 0 ? out : undefined
}

/** Cheap pre-check so plain text is not run through the parser: starts with `key=`. */
export function looksLikeLogfmt(line: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_.\-]*=/.test(line)
}
