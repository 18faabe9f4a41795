/**
 * The UI server's configuration; the only UI file that reads process.env. The query API's URL
 * and token stay on the server: the browser calls /api/v1/* on the UI's own origin and the
 * route handler forwards with the token (app/api/v1/[...path]/route.ts).
 *
 *   PERISCOPE_QUERY_API_URL    base URL of the query API (default http://127.0.0.1:8080)
 *   PERISCOPE_UI_API_TOKEN     bearer token sent to the query API (required to see data)
 *   PERISCOPE_UI_PROXY_TIMEOUT_MS  how long one proxied call may take (default 30000)
 */

export interface UiConfig {
  queryApiUrl: string
  apiToken: string | undefined
  proxyTimeoutMs: number
}

export function loadUiConfig(env: Readonly<Record<string, string | undefined>> = process.env): UiConfig {
  const queryApiUrl = (env.PERISCOPE_QUERY_API_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '')
  try {
    new URL(queryApiUrl)
  } catch (cause) {
    throw new Error(`PERISCOPE_QUERY_API_URL is not a URL: ${JSON.stringify(queryApiUrl)}`, { cause })
  }
  const timeout = Number(env.PERISCOPE_UI_PROXY_TIMEOUT_MS ?? 30_000)
  if (!Number.isInteger(timeout) || timeout < 100) throw new Error('PERISCOPE_UI_PROXY_TIMEOUT_MS must be an integer ≥ 100')
  const token = env.PERISCOPE_UI_API_TOKEN?.trim()
  return { queryApiUrl, apiToken: token ? token : undefined, proxyTimeoutMs: timeout }
}

/** Whether the CSP may allow eval (React's dev tooling needs it; production never does). */
export function isDevelopment(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return env.NODE_ENV === 'development'
}
