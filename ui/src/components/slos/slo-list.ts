/** List answers of the SLO and alerting routes (`{slos: [...]}`, `{rules: [...]}`, …); [] for anything else. */
import type { Slo, SlosResponse } from '../../api/types.ts'

export function slosOf(data: SlosResponse | undefined): Slo[] {
  return data?.slos ?? []
}

/** The `key` list of an answer, when it is one. */
export function listOf<T>(data: unknown, key: string): T[] {
  if (data && typeof data === 'object' && Array.isArray((data as Record<string, unknown>)[key])) return (data as Record<string, T[]>)[key]!
  return []
}
