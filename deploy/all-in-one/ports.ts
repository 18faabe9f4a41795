/**
 * Port checks before anything starts: every port the launcher will use is tried (listen, then
 * close) so a taken one fails the start at once, naming the component and the flag that moves
 * it, instead of half the platform starting and the rest failing with EADDRINUSE.
 */
import { createServer } from 'node:net'

export interface PortUse {
  /** what listens there, e.g. "query API" */
  readonly name: string
  readonly port: number
  /** how to choose another, e.g. "--api-port" */
  readonly flag: string
}

export function portFree(host: string, port: number): Promise<true | string> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

/** Resolves when every port is free; rejects with one message listing every taken port. */
export async function assertPortsFree(host: string, uses: readonly PortUse[]): Promise<void> {
  const seen = new Map<number, string>()
  const problems: string[] = []
  for (const use of uses) {
    const other = seen.get(use.port)
    if (other !== undefined) {
      problems.push(`  - port ${use.port} is configured for both ${other} and ${use.name}; move one with ${use.flag}`)
      continue
    }
    seen.set(use.port, use.name)
    const state = await portFree(host, use.port)
    if (state === true) continue
    const why = state === 'EADDRINUSE' ? 'is already in use' : state === 'EACCES' ? 'needs privileges' : `cannot be used (${state})`
    problems.push(`  - ${host}:${use.port} (${use.name}) ${why}; stop what holds it or choose another with ${use.flag} N`)
  }
  if (problems.length > 0) throw new Error(`cannot start: ${problems.length === 1 ? 'a port is' : 'ports are'} not available:\n${problems.join('\n')}`)
}
