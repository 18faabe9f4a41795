/**
 * Next.js proxy (formerly middleware): gives every page request a fresh CSP nonce. Next reads
 * the nonce from the request's Content-Security-Policy header and puts it on its own scripts;
 * the same policy goes out on the response.
 */
import { NextResponse, type NextRequest } from 'next/server'
import { isDevelopment } from './config.ts'
import { contentSecurityPolicy, newNonce } from './lib/csp.ts'

export function proxy(request: NextRequest): NextResponse {
  const nonce = newNonce()
  const policy = contentSecurityPolicy(nonce, { dev: isDevelopment() })
  const requestHeaders = new Headers(request.headers)
  requestHeaders.set('x-nonce', nonce)
  requestHeaders.set('Content-Security-Policy', policy)
  const response = NextResponse.next({ request: { headers: requestHeaders } })
  response.headers.set('Content-Security-Policy', policy)
  response.headers.set('X-Content-Type-Options', 'nosniff')
  response.headers.set('Referrer-Policy', 'same-origin')
  return response
}

export const config = {
  matcher: [
    {
      source: '/((?!api/|_next/static|_next/image|favicon.ico).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
}
