/**
 * A small HTTP server answering `GET /metrics` with the Prometheus text of one SDK instance.
 * It never fails the host: a port already taken is reported through `onError` and the server
 * stays down; everything else answers 404.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { SdkMetrics } from './metrics.ts'

export interface MetricsServerOptions {
  metrics: SdkMetrics
  port: number
  host: string
  onError: (err: unknown) => void
}

export interface MetricsServer {
  /** Resolves with the bound port once listening, or undefined when it could not listen. */
  ready: Promise<number | undefined>
  /** The bound port, once listening. */
  port(): number | undefined
  close(): Promise<void>
}

export function startMetricsServer(options: MetricsServerOptions): MetricsServer {
  let boundPort: number | undefined
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
      return
    }
    options.metrics.text().then(
      (text) => {
        res.writeHead(200, { 'content-type': options.metrics.contentType }).end(text)
      },
      (err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${String(err)}\n`)
      },
    )
  })
  // Scrapes must not keep a process alive that is otherwise done.
  server.unref()
  const ready = new Promise<number | undefined>((resolve) => {
    server.once('error', (err) => {
      options.onError(err)
      resolve(undefined)
    })
    server.listen(options.port, options.host, () => {
      boundPort = (server.address() as AddressInfo).port
      resolve(boundPort)
    })
  })
  return {
    ready,
    port: () => boundPort,
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) {
          resolve()
          return
        }
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
