/**
 * Test support: a local OTLP/HTTP endpoint on 127.0.0.1 (random port) that records every request
 * body an official exporter sends and answers 200 with an empty body.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

export interface CapturedRequest {
  path: string
  contentType: string
  body: Uint8Array
}

export interface CaptureServer {
  /** e.g. http://127.0.0.1:40123 */
  baseUrl: string
  requests: CapturedRequest[]
  close(): Promise<void>
}

export async function startCaptureServer(): Promise<CaptureServer> {
  const requests: CapturedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw
      requests.push({ path: req.url ?? '', contentType: String(req.headers['content-type'] ?? ''), body: new Uint8Array(body) })
      res.writeHead(200, { 'content-type': String(req.headers['content-type'] ?? 'application/json') })
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((e) => (e ? reject(e) : resolve()))
      }),
  }
}

/** Adapts an exporter's callback-style export to a promise that rejects on failure. */
export function exportOnce<T>(exporter: { export(items: T, cb: (r: { code: number; error?: Error }) => void): void }, items: T): Promise<void> {
  return new Promise((resolve, reject) => {
    exporter.export(items, (r) => (r.code === 0 ? resolve() : reject(r.error ?? new Error(`export failed with code ${r.code}`))))
  })
}
