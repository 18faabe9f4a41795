/**
 * Redaction of secrets and personal data before a log line leaves the process.
 *
 * Two independent rules, both on by default:
 * - key-based: a property whose key names a secret (`password`, `authorization`, `set-cookie`,
 *   `client_secret`…) has its whole value replaced by the censor, whatever its type. Keys are
 *   compared normalised (lower case, only letters and digits), so `X-Api-Key`, `api_key` and
 *   `apiKey` are one key. A fragment of 5+ characters matches anywhere in the key (`db_password`);
 *   a shorter one only at the end (`user_ssn` but not `classname`).
 * - value-based: inside any string, card numbers (13–19 digits, optionally grouped by spaces or
 *   dashes, issuer prefix 2–6, valid Luhn check digit), e-mail addresses, `Bearer`/`Basic`
 *   credentials and JSON Web Tokens are replaced; so are integers that are card numbers.
 *
 * Invariants: the input is never mutated (copy-on-write: an object without anything to redact is
 * returned as is, so the common case allocates nothing); cycles and depth beyond `maxDepth` are
 * cut, never followed; redaction never throws.
 */

export interface RedactOptions {
  /** false turns every rule off. Default true. */
  enabled?: boolean
  /** Replaces the default key fragments. */
  keys?: string[]
  /** Added to the key fragments (default or `keys`). */
  extraKeys?: string[]
  /** Redact e-mail addresses in strings. Default true. */
  emails?: boolean
  /** Redact card numbers (Luhn-checked) in strings and integers. Default true. */
  cardNumbers?: boolean
  /** Redact `Bearer …`/`Basic …` credentials and JSON Web Tokens in strings. Default true. */
  bearerTokens?: boolean
  /** More value patterns; every match is replaced by the censor. */
  patterns?: RegExp[]
  /** The replacement text. Default `[REDACTED]`. */
  censor?: string
  /** Objects nested deeper than this are replaced by `[Truncated]`. Default 8. */
  maxDepth?: number
}

export const DEFAULT_REDACT_KEYS: readonly string[] = [
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'authorization',
  'cookie',
  'sessionid',
  'credential',
  'privatekey',
  'accesskey',
  'cardnumber',
  'creditcard',
  'cvv',
  'cvc',
  'pin',
  'ssn',
  'iban',
]

export interface Redactor {
  /** Returns the value with secrets replaced; the same reference when nothing was redacted. */
  redact<T>(value: T): T
  redactString(text: string): string
  isSensitiveKey(key: string): boolean
}

const TRUNCATED = '[Truncated]'
const KEY_CACHE_LIMIT = 2048

// Groups of digits separated by single spaces or dashes, delimited by non-alphanumerics so that
// digit runs inside hex ids or words are not taken for card numbers.
const CARD_RE = /(?<![0-9A-Za-z])[2-6](?:[ -]?\d){12,18}(?![0-9A-Za-z])/g
const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g
const BEARER_RE = /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi
const JWT_RE = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g

/** The Luhn check over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0
  let double = false
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48
    if (d < 0 || d > 9) return false
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
    double = !double
  }
  return sum % 10 === 0
}

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '')
}

export function createRedactor(options: RedactOptions = {}): Redactor {
  const enabled = options.enabled !== false
  const censor = options.censor ?? '[REDACTED]'
  const maxDepth = options.maxDepth ?? 8
  const fragments = [...(options.keys ?? DEFAULT_REDACT_KEYS), ...(options.extraKeys ?? [])]
    .map(normaliseKey)
    .filter((f) => f.length > 0)
  const longFragments = fragments.filter((f) => f.length >= 5)
  const shortFragments = fragments.filter((f) => f.length < 5)
  const emails = options.emails !== false
  const cards = options.cardNumbers !== false
  const bearers = options.bearerTokens !== false
  const patterns = (options.patterns ?? []).map((p) => (p.global ? p : new RegExp(p.source, p.flags + 'g')))
  // Keys repeat endlessly in logs; remember the verdict. Bounded: cleared when full.
  const keyVerdicts = new Map<string, boolean>()

  function isSensitiveKey(key: string): boolean {
    const known = keyVerdicts.get(key)
    if (known !== undefined) return known
    const k = normaliseKey(key)
    let verdict = false
    for (const f of longFragments) if (k.includes(f)) verdict = true
    for (const f of shortFragments) if (k === f || k.endsWith(f)) verdict = true
    if (keyVerdicts.size >= KEY_CACHE_LIMIT) keyVerdicts.clear()
    keyVerdicts.set(key, verdict)
    return verdict
  }

  function redactCard(match: string): string {
    const digits = match.replace(/[ -]/g, '')
    return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? censor : match
  }

  function redactString(text: string): string {
    if (!enabled || text.length < 6) return text
    let out = text
    if (cards && out.length >= 13) out = out.replace(CARD_RE, redactCard)
    if (emails && out.includes('@')) out = out.replace(EMAIL_RE, censor)
    if (bearers) {
      out = out.replace(BEARER_RE, (_m, scheme: string) => `${scheme} ${censor}`)
      if (out.includes('eyJ')) out = out.replace(JWT_RE, censor)
    }
    for (const p of patterns) out = out.replace(p, censor)
    return out
  }

  function redactNumber(n: number): number | string {
    // 13+ digit integers: only card numbers are rewritten (to the censor string).
    if (!cards || !Number.isSafeInteger(n) || n < 1e12) return n
    const digits = String(n)
    return digits.length >= 13 && /^[2-6]/.test(digits) && luhnValid(digits) ? censor : n
  }

  function walk(value: unknown, depth: number, seen: Set<object>): unknown {
    if (typeof value === 'string') return redactString(value)
    if (typeof value === 'number') return redactNumber(value)
    if (value === null || typeof value !== 'object') return value
    const isArray = Array.isArray(value)
    // Only plain data is walked; class instances (Date, Buffer, Map…) serialise themselves.
    if (!isArray && Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
      return value
    }
    if (seen.has(value)) return value
    if (depth >= maxDepth) return TRUNCATED
    seen.add(value)
    try {
      if (isArray) {
        const arr = value as unknown[]
        let copy: unknown[] | undefined
        for (let i = 0; i < arr.length; i++) {
          const next = walk(arr[i], depth + 1, seen)
          if (next !== arr[i]) {
            copy ??= arr.slice()
            copy[i] = next
          }
        }
        return copy ?? arr
      }
      const obj = value as Record<string, unknown>
      let copy: Record<string, unknown> | undefined
      for (const key of Object.keys(obj)) {
        const current = obj[key]
        const next = isSensitiveKey(key) ? (current === undefined ? current : censor) : walk(current, depth + 1, seen)
        if (next !== current) {
          copy ??= { ...obj }
          copy[key] = next
        }
      }
      return copy ?? obj
    } finally {
      seen.delete(value)
    }
  }

  function redact<T>(value: T): T {
    if (!enabled) return value
    try {
      return walk(value, 0, new Set()) as T
    } catch {
      // A getter that throws must not take the log line (or the host) down with it.
      return censor as T
    }
  }

  return { redact, redactString, isSensitiveKey }
}
