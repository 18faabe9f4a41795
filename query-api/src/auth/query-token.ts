/**
 * Query API bearer tokens. Format of a generated token (sent as `Authorization: Bearer …`):
 *
 *   pqt_<tokenId>_<secret>     tokenId = 16 lowercase hex characters (8 random bytes), public,
 *                                        the row's lookup id (query_tokens.TokenId)
 *                              secret  = 43 base64url characters (32 random bytes)
 *
 * Only sha256(secret) is stored (query_tokens.TokenHash, 64 lowercase hex); the plaintext is
 * returned once, at creation. 256 random bits need no slow hash. Hashes are compared in
 * constant time. An operator-chosen token (e.g. PERISCOPE_ADMIN_TOKEN, set by the launcher
 * through `createQueryToken(…, { plaintext })`) is any other printable string of 16–256
 * characters: its secret is the whole string and its tokenId is derived from it
 * ('h' + 15 hex characters of sha256("periscope-token-id:" + token)), so both kinds are looked
 * up the same way.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export const TOKEN_PREFIX = 'pqt_'

export const ROLES = ['viewer', 'editor', 'admin'] as const
export type Role = (typeof ROLES)[number]

const GENERATED = /^pqt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/
const CUSTOM = /^[\x21-\x7e]{16,256}$/
const HASH_HEX = /^[0-9a-f]{64}$/

export interface ParsedToken {
  tokenId: string
  secret: string
}

export interface GeneratedToken extends ParsedToken {
  plaintext: string
  tokenHash: string
}

export function generateToken(): GeneratedToken {
  const tokenId = randomBytes(8).toString('hex')
  const secret = randomBytes(32).toString('base64url')
  return { tokenId, secret, plaintext: `${TOKEN_PREFIX}${tokenId}_${secret}`, tokenHash: hashSecret(secret) }
}

/** Lookup id and secret of a presented token; null when it cannot be a token at all. */
export function parseToken(plaintext: string): ParsedToken | null {
  const generated = GENERATED.exec(plaintext)
  if (generated) return { tokenId: generated[1]!, secret: generated[2]! }
  if (!CUSTOM.test(plaintext)) return null
  return { tokenId: 'h' + createHash('sha256').update('periscope-token-id:').update(plaintext).digest('hex').slice(0, 15), secret: plaintext }
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

export function secretMatches(secret: string, storedHashHex: string): boolean {
  if (!HASH_HEX.test(storedHashHex)) return false
  return timingSafeEqual(createHash('sha256').update(secret).digest(), Buffer.from(storedHashHex, 'hex'))
}

/** The token in `Authorization: Bearer <token>`; null when absent or of another scheme. */
export function bearerToken(authorization: string | undefined): string | null {
  if (!authorization) return null
  const m = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization)
  return m ? m[1]! : null
}

export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed)
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}
