/**
 * Same-origin pass-through to the query API: /api/v1/<path>?<query> → PERISCOPE_QUERY_API_URL
 * /api/v1/<path>?<query> with the server-side bearer token. The browser never sees the token
 * and never talks to another origin (CSP connect-src 'self'). Only JSON in and out; the
 * caller's cookies and authorization are not forwarded.
 *
 * Whoever reaches the UI acts with the UI's token, so: only the areas the UI uses are passed
 * (not /tokens), and a write must be a same-origin JSON request (a cross-site form or a
 * no-cors fetch cannot set application/json without a CORS preflight, which nothing answers).
 */
import { loadUiConfig } from '../../../../config.ts'

export const dynamic = 'force-dynamic'

const config = loadUiConfig()

/** first path segments the UI calls */
const AREAS = new Set(['services', 'traces', 'logs', 'metrics', 'dashboards', 'slos', 'alert-rules', 'channels', 'alerts'])

const PASSED_RESPONSE_HEADERS = ['content-type', 'cache-control', 'etag', 'retry-after']

function problem(status: number, title: string, detail: string): Response {
  return new Response(JSON.stringify({ type: 'about:blank', title, status, detail, code: 'PERISCOPE_ERR_UI_PROXY' }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  })
}

async function forward(request: Request, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await context.params
  if (path.some((segment) => segment === '..' || segment === '.')) return problem(400, 'Bad Request', 'invalid path')
  if (!AREAS.has(path[0] ?? '')) return problem(404, 'Not Found', 'not an API area the UI passes through')
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    const contentType = request.headers.get('content-type') ?? ''
    const site = request.headers.get('sec-fetch-site')
    if (!contentType.startsWith('application/json') || (site !== null && site !== 'same-origin')) {
      return problem(403, 'Forbidden', 'writes must be same-origin application/json requests')
    }
  }
  const incoming = new URL(request.url)
  const target = `${config.queryApiUrl}/api/v1/${path.map(encodeURIComponent).join('/')}${incoming.search}`
  const headers = new Headers({ accept: 'application/json' })
  if (config.apiToken) headers.set('authorization', `Bearer ${config.apiToken}`)
  const ifNoneMatch = request.headers.get('if-none-match')
  if (ifNoneMatch) headers.set('if-none-match', ifNoneMatch)
  let body: string | undefined
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    body = await request.text()
    if (body.length > 0) headers.set('content-type', 'application/json')
    else body = undefined
  }
  let upstream: Response
  try {
    upstream = await fetch(target, { method: request.method, headers, body, signal: AbortSignal.timeout(config.proxyTimeoutMs), cache: 'no-store' })
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError'
    return problem(timedOut ? 504 : 502, timedOut ? 'Gateway Timeout' : 'Bad Gateway', timedOut ? 'the query API did not answer in time' : 'the query API is not reachable')
  }
  const out = new Headers()
  for (const name of PASSED_RESPONSE_HEADERS) {
    const value = upstream.headers.get(name)
    if (value) out.set(name, value)
  }
  return new Response(upstream.status === 204 || upstream.status === 304 ? null : await upstream.arrayBuffer(), { status: upstream.status, headers: out })
}

export const GET = forward
export const POST = forward
export const PUT = forward
export const PATCH = forward
export const DELETE = forward
