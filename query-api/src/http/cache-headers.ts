/**
 * Cache-Control of answers. Every answer is per tenant (bearer token), so shared caches must
 * never keep one: `private` everywhere. Aggregates and searches over a moving window change
 * quickly and get a short max-age; a finished trace never changes and is immutable with an
 * ETag (see routes/traces.ts); configuration (dashboards, tokens) is not cached.
 */
import type { FastifyReply } from 'fastify'

export function shortCache(reply: FastifyReply, maxAgeSeconds: number): void {
  reply.header('cache-control', maxAgeSeconds > 0 ? `private, max-age=${maxAgeSeconds}` : 'no-store')
}

export function immutableCache(reply: FastifyReply, maxAgeSeconds: number, etag: string): void {
  reply.header('cache-control', `private, max-age=${maxAgeSeconds}, immutable`)
  reply.header('etag', etag)
}

export function noStore(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store')
}

/** True when If-None-Match names `etag` (or is `*`); weak comparison, as RFC 9110 asks for GET. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false
  const bare = (tag: string) => tag.trim().replace(/^W\//, '')
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag))
}
