/**
 * Ingest API keys. Format of a generated key (what the client sends as `Authorization: Bearer …`):
 *
 *   psk_<keyId>_<secret>      keyId  = 16 lowercase hex characters (8 random bytes), public,
 *                                      the row's lookup id
 *                             secret = 43 base64url characters (32 random bytes)
 *
 * Only sha256(secret) is stored, as 64 lowercase hex characters; the plaintext is shown once, at
 * creation. A secret of 256 random bits needs no slow hash: there is nothing to brute-force.
 * The hash is compared with `timingSafeEqual`, so a caller learns nothing from response times.
 *
 * An operator may also set a key of their own choosing (e.g. PERISCOPE_INGEST_KEY): any other
 * printable string of 16–256 characters is a key whose secret is the whole string and whose keyId
 * is derived from it ('h' + 15 hex characters of sha256("periscope-key-id:" + key)), so both kinds
 * are looked up the same way.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export const API_KEY_PREFIX = 'psk_'

const GENERATED_KEY = /^psk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/
const CUSTOM_KEY = /^[\x21-\x7e]{16,256}$/
const HASH_HEX = /^[0-9a-f]{64}$/

export interface ParsedApiKey {
  keyId: string
  secret: string
}

export interface GeneratedApiKey extends ParsedApiKey {
  /** the whole key, to hand to the client once */
  plaintext: string
  /** sha256(secret), hex: the only part that is stored */
  keyHash: string
}

export function generateApiKey(): GeneratedApiKey {
  const keyId = randomBytes(8).toString('hex')
  const secret = randomBytes(32).toString('base64url')
  return { keyId, secret, plaintext: `${API_KEY_PREFIX}${keyId}_${secret}`, keyHash: hashSecret(secret) }
}

/** Splits a presented key into lookup id and secret; null when it cannot be a key at all. */
export function parseApiKey(plaintext: string): ParsedApiKey | null {
  const generated = GENERATED_KEY.exec(plaintext)
  if (generated) return { keyId: generated[1]!, secret: generated[2]! }
  if (!CUSTOM_KEY.test(plaintext)) return null
  return { keyId: customKeyId(plaintext), secret: plaintext }
}

function customKeyId(plaintext: string): string {
  return 'h' + createHash('sha256').update('periscope-key-id:').update(plaintext).digest('hex').slice(0, 15)
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** Constant-time check of a secret against a stored hash (false for a malformed stored hash). */
export function secretMatches(secret: string, storedHashHex: string): boolean {
  if (!HASH_HEX.test(storedHashHex)) return false
  const presented = createHash('sha256').update(secret).digest()
  return timingSafeEqual(presented, Buffer.from(storedHashHex, 'hex'))
}

/** The key in `Authorization: Bearer <key>`; null when the header is absent or of another scheme. */
export function bearerToken(authorization: string | undefined): string | null {
  if (!authorization) return null
  const m = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization)
  return m ? m[1]! : null
}
