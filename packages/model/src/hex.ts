/**
 * Lowercase hex <-> bytes by lookup table: ids are converted for every span, so this avoids
 * `toString(16)`, regexes and intermediate strings in the hot path.
 */

const BYTE_TO_HEX: string[] = []
for (let i = 0; i < 256; i++) BYTE_TO_HEX.push(i.toString(16).padStart(2, '0'))

/** char code -> nibble value, or -1 for a non-hex character (upper and lower case accepted) */
const CHAR_TO_NIBBLE = new Int8Array(128).fill(-1)
for (let i = 0; i < 10; i++) CHAR_TO_NIBBLE[48 + i] = i
for (let i = 0; i < 6; i++) {
  CHAR_TO_NIBBLE[97 + i] = 10 + i
  CHAR_TO_NIBBLE[65 + i] = 10 + i
}

export function bytesToHex(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += BYTE_TO_HEX[bytes[i]!]
  return out
}

/**
 * Parses hex text (either case) into bytes; null when the text has odd length or a non-hex
 * character. The empty string gives an empty array.
 */
export function hexToBytes(hex: string): Uint8Array | null {
  const n = hex.length
  if ((n & 1) !== 0) return null
  const out = new Uint8Array(n >> 1)
  for (let i = 0, j = 0; i < n; i += 2, j++) {
    const hi = hex.charCodeAt(i)
    const lo = hex.charCodeAt(i + 1)
    const h = hi < 128 ? CHAR_TO_NIBBLE[hi]! : -1
    const l = lo < 128 ? CHAR_TO_NIBBLE[lo]! : -1
    if (h < 0 || l < 0) return null
    out[j] = (h << 4) | l
  }
  return out
}

/** True when every byte is zero (an invalid trace or span id). Empty counts as all zeros. */
export function isAllZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false
  return true
}
