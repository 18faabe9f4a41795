'use client'
/**
 * Loads one API path and re-loads it when the path or the refresh tick changes. The previous
 * data stays on screen while a refresh is in flight (no flashing on auto-refresh); a request
 * superseded by a newer one is aborted.
 */
import { useEffect, useState } from 'react'
import { apiFetch, type ApiResult } from './client.ts'

export interface ApiState<T> {
  data: T | undefined
  error: { status: number; message: string } | undefined
  loading: boolean
}

export function useApi<T>(path: string | null, tick = 0): ApiState<T> {
  const [state, setState] = useState<ApiState<T>>({ data: undefined, error: undefined, loading: path !== null })
  useEffect(() => {
    if (path === null) {
      setState({ data: undefined, error: undefined, loading: false })
      return
    }
    const controller = new AbortController()
    setState((s) => ({ ...s, loading: true }))
    apiFetch<T>(path, { signal: controller.signal }).then(
      (result: ApiResult<T>) => {
        if (controller.signal.aborted) return
        setState(result.ok ? { data: result.data, error: undefined, loading: false } : { data: undefined, error: { status: result.status, message: result.message }, loading: false })
      },
      (error: unknown) => {
        if (controller.signal.aborted) return
        setState({ data: undefined, error: { status: 0, message: String(error) }, loading: false })
      },
    )
    return () => controller.abort()
  }, [path, tick])
  return state
}
