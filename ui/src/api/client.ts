/**
 * The browser's client of the query API, through the UI server's same-origin proxy (/api/v1).
 * Answers are values: { ok: true, data } or { ok: false, status, message } — a missing route
 * (404 from a part of the API that has not landed) is an ordinary failure the page shows.
 */
import type { Problem } from './types.ts'

export type ApiResult<T> = { ok: true; data: T } | { ok: false; status: number; message: string }

export type QueryValue = string | number | boolean | undefined | null

export function apiPath(path: string, query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue
    params.set(key, String(value))
  }
  const qs = params.toString()
  return `/api/v1${path}${qs ? `?${qs}` : ''}`
}

async function messageOf(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as Problem
    return body.detail || body.title || response.statusText
  } catch {
    return response.statusText || `HTTP ${response.status}`
  }
}

export async function apiFetch<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<ApiResult<T>> {
  const method = init.method ?? 'GET'
  let response: Response
  try {
    response = await fetch(path, {
      method,
      // writes are always JSON: the UI server refuses other writes (see the /api/v1 pass-through)
      headers: method === 'GET' ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
      cache: 'no-store',
    })
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error
    return { ok: false, status: 0, message: 'the UI server is not reachable' }
  }
  if (!response.ok) return { ok: false, status: response.status, message: await messageOf(response) }
  if (response.status === 204) return { ok: true, data: undefined as T }
  try {
    return { ok: true, data: (await response.json()) as T }
  } catch {
    return { ok: false, status: response.status, message: 'the answer was not JSON' }
  }
}
