/**
 * Start-up and shutdown shared by the shop services: listen on the configured port, log where,
 * and on SIGTERM/SIGINT stop accepting, flush the SDK and exit 0.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Periscope } from '@periscope/sdk'

export async function serve(server: Server, port: number, host: string, periscope: Periscope): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const bound = (server.address() as AddressInfo).port
  periscope.logger.info({ port: bound, host, metricsPort: await periscope.metricsPort }, 'listening')
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    periscope.logger.info({ signal }, 'stopping')
    server.close()
    server.closeIdleConnections()
    const forced = setTimeout(() => process.exit(0), 3000)
    forced.unref()
    void periscope.shutdown().finally(() => process.exit(0))
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  return bound
}
