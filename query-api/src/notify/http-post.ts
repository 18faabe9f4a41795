/**
 * One guarded HTTP POST to a notification destination: the SSRF guard checks the URL (after DNS
 * resolution), the socket connects to exactly the checked address (the guard's pinned address
 * is the socket's `lookup`, so DNS cannot be asked again and answer differently), TLS still
 * verifies the certificate against the URL's host name, redirects are never followed (a 3xx is
 * returned as it is and the caller counts it as a failed attempt), the whole exchange is bounded
 * by `timeoutMs`, and at most `maxResponseBytes` of the answer are kept.
 *
 * Failures are values: `refused` (the guard said no), `network` (no HTTP answer), or a
 * `response` with any status.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import type { SsrfGuard } from './ssrf-guard.ts'

export interface PostRequest {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export type PostOutcome =
  | { readonly kind: 'response'; readonly status: number; readonly headers: IncomingHttpHeaders; readonly body: string }
  | { readonly kind: 'refused'; readonly reason: string; readonly retryable: boolean }
  | { readonly kind: 'network'; readonly error: string }

export interface HttpPoster {
  post(request: PostRequest, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<PostOutcome>
}

export interface HttpPosterOptions {
  readonly guard: SsrfGuard
  readonly timeoutMs: number
  readonly maxResponseBytes?: number
  readonly userAgent?: string
}

export function createHttpPoster(options: HttpPosterOptions): HttpPoster {
  const maxResponseBytes = options.maxResponseBytes ?? 64 * 1024
  return {
    async post(request, postOptions = {}) {
      const checked = await options.guard.check(request.url)
      if (!checked.ok) return { kind: 'refused', reason: checked.reason, retryable: checked.retryable }
      const { url, address, family } = checked
      // Node asks with { all: true } when it may try several addresses (autoSelectFamily)
      const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
        if ((lookupOptions as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }])
        else callback(null, address, family)
      }
      const body = Buffer.from(request.body, 'utf8')
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest
      const timeoutMs = postOptions.timeoutMs ?? options.timeoutMs
      return new Promise<PostOutcome>((resolve) => {
        let settled = false
        const finish = (outcome: PostOutcome) => {
          if (settled) return
          settled = true
          clearTimeout(timer)
          resolve(outcome)
        }
        const req = send(url, {
          method: 'POST',
          lookup,
          agent: false,
          headers: {
            'user-agent': options.userAgent ?? 'Periscope-Alerts/1.0',
            ...request.headers,
            'content-length': String(body.length),
          },
          ...(postOptions.signal ? { signal: postOptions.signal } : {}),
        })
        const timer = setTimeout(() => {
          req.destroy(new Error(`no answer within ${timeoutMs} ms`))
        }, timeoutMs)
        req.on('error', (error) => finish({ kind: 'network', error: error.message }))
        req.on('response', (res) => {
          const chunks: Buffer[] = []
          let kept = 0
          res.on('data', (chunk: Buffer) => {
            if (kept >= maxResponseBytes) return
            const part = chunk.subarray(0, maxResponseBytes - kept)
            chunks.push(part)
            kept += part.length
          })
          res.on('end', () => finish({ kind: 'response', status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
          res.on('error', (error) => finish({ kind: 'network', error: error.message }))
        })
        req.end(body)
      })
    },
  }
}
