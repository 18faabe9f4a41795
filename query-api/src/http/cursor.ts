/**
 * Opaque page cursors. Wire format: base64url of the JSON array
 *   [kind, sortKeyNs, tieBreaker]
 * where kind names the list ('traces' | 'logs'), sortKeyNs is the last row's sort time as a
 * decimal unix-ns string and tieBreaker the last row's id (trace id, or the log row's hash as
 * a decimal string). Lists are newest first, ordered by (sortKeyNs DESC, tieBreaker DESC), and
 * the next page is everything strictly after the cursor in that order — so rows inserted while
 * a client pages (newer ones, above the cursor) never shift or repeat later pages.
 * Clients must treat cursors as opaque; the format may change between versions.
 */
import { BadRequest } from '../errors.ts'

export type CursorKind = 'traces' | 'logs'

export interface Cursor {
  readonly sortKeyNs: bigint
  readonly tieBreaker: string
}

const MAX_CURSOR_CHARS = 512
const TIE_BREAKER = /^[0-9a-f]{1,64}$|^\d{1,20}$/

export function encodeCursor(kind: CursorKind, cursor: Cursor): string {
  return Buffer.from(JSON.stringify([kind, cursor.sortKeyNs.toString(), cursor.tieBreaker]), 'utf8').toString('base64url')
}

/** The cursor of `kind`; throws BadRequest (400) for anything else, including another list's cursor. */
export function decodeCursor(kind: CursorKind, text: string): Cursor {
  const invalid = () => new BadRequest('cursor is not a cursor of this list: pass nextCursor from the previous page unchanged')
  if (text.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(text)) throw invalid()
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    throw invalid()
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid()
  const [k, sortKey, tie] = parsed as unknown[]
  if (k !== kind || typeof sortKey !== 'string' || !/^\d{1,20}$/.test(sortKey) || typeof tie !== 'string' || !TIE_BREAKER.test(tie)) throw invalid()
  return { sortKeyNs: BigInt(sortKey), tieBreaker: tie }
}
