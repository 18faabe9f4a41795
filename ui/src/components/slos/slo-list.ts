/**
 * The SLO list as the API may answer it: `{slos: [...]}` or a bare array (the SLO routes are
 * written by another part; both shapes are accepted so the UI does not break on either).
 */
import type { Slo } from '../../api/types.ts'

export function slosOf(data: unknown): Slo[] {
  if (Array.isArray(data)) return data as Slo[]
  if (data && typeof data === 'object' && Array.isArray((data as { slos?: unknown }).slos)) return (data as { slos: Slo[] }).slos
  return []
}

/** The same for any `{<key>: [...]}` list answer. */
export function listOf<T>(data: unknown, key: string): T[] {
  if (Array.isArray(data)) return data as T[]
  if (data && typeof data === 'object' && Array.isArray((data as Record<string, unknown>)[key])) return (data as Record<string, T[]>)[key]!
  return []
}
