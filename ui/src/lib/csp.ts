/**
 * The Content-Security-Policy of every page. Scripts run only from our origin with the
 * request's nonce ('strict-dynamic' lets Next's nonced loader pull its chunks); nothing else
 * (no eval in production, no inline handlers, no other origins). Styles: stylesheets only from
 * our origin or with the nonce; style *attributes* are allowed ('unsafe-inline' in
 * style-src-attr) because React and recharts position bars, tooltips and SVG with style
 * attributes — attributes cannot run script. Untrusted telemetry text is rendered as text
 * nodes only, so the policy is a second line of defence, not the first.
 */

export function contentSecurityPolicy(nonce: string, options: { dev: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ''}`,
    `style-src 'self' 'nonce-${nonce}'`,
    `style-src-elem 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** 128 random bits, base64: unguessable per response. */
export function newNonce(): string {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary)
}
