/**
 * Small helpers shared by the shop services: bounded JSON bodies, JSON replies, outgoing JSON
 * calls over fetch (instrumented by the SDK's undici instrumentation), and a simulated delay.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

export const MAX_BODY_BYTES = 64 * 1024

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message)
  }
}

export function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`))
        req.destroy()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => {
      if (size === 0) return resolve({})
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')))
      } catch {
        reject(new HttpError(400, 'body is not JSON'))
      }
    })
    req.on('error', reject)
  })
}

export function sendJson(res: ServerResponse, statusCode: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text)
}

export interface CallResult<T> {
  status: number
  body: T
}

/** A JSON call to another shop service. Network failures become status 503. */
export async function callJson<T = unknown>(url: string, init: { method?: string; body?: unknown; timeoutMs?: number } = {}): Promise<CallResult<T>> {
  try {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: init.body !== undefined ? { 'content-type': 'application/json' } : undefined,
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      signal: AbortSignal.timeout(init.timeoutMs ?? 5000),
    })
    const text = await res.text()
    return { status: res.status, body: (text.length > 0 ? JSON.parse(text) : {}) as T }
  } catch (err) {
    return { status: 503, body: { error: `call to ${url} failed: ${(err as Error).message}` } as T }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** A latency around `typicalMs` (±50 %), plus `slowMs` with probability `slowRate`. */
export function simulatedLatencyMs(typicalMs: number, slowRate = 0, slowMs = 0): number {
  const base = typicalMs * (0.5 + Math.random())
  return Math.random() < slowRate ? base + slowMs : base
}
