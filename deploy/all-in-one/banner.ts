/**
 * What `npm start` prints once everything is up: where to open the UI, the API and OTLP
 * endpoints, the data directory, and the keys. A generated key or token is printed in full only
 * on the start that created it; later starts show its public prefix and where the full value is.
 */
import type { CredentialsOutcome } from './credentials.ts'

export interface BannerInput {
  host: string
  ports: { collector: number; api: number; ui: number; agent: number }
  ui: boolean
  agent: boolean
  demo: { frontendUrl: string; loadRatePerSecond: number } | undefined
  bus: string
  dataDir: string
  logDir: string
  credentialsFile: string
  credentials: CredentialsOutcome
}

function origin(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`
}

/** `psk_0123456789abcdef_…` → `psk_0123456789abcdef_…` (public id only); custom values → first 4 characters. */
export function maskSecret(secret: string): string {
  const generated = /^(ps[kq]_[0-9a-f]{16}_|pqt_[0-9a-f]{16}_)/.exec(secret)
  return generated ? `${generated[1]}…` : `${secret.slice(0, 4)}…`
}

export function banner(input: BannerInput): string {
  const { host, ports, credentials } = input
  const lines = ['', 'Periscope is running.', '']
  if (input.ui) lines.push(`  Open the UI     ${origin(host, ports.ui)}`)
  lines.push(`  Query API       ${origin(host, ports.api)}/api/v1   (Authorization: Bearer <admin token>)`)
  lines.push(`  OTLP/HTTP       ${origin(host, ports.collector)}   (collector; Authorization: Bearer <ingest key>)`)
  if (input.agent) lines.push(`                  ${origin(host, ports.agent)}   (agent; no key needed, it adds it)`)
  if (input.demo) lines.push(`  Demo shop       ${input.demo.frontendUrl}   (load generator at ${input.demo.loadRatePerSecond} requests/s)`)
  lines.push(`  Bus             ${input.bus}`)
  lines.push(`  Data            ${input.dataDir}   (kept across restarts)`)
  lines.push(`  Logs            ${input.logDir}`)
  lines.push('')
  const show = (label: string, kind: 'ingestKey' | 'adminToken') => {
    const value = credentials[kind]
    const origin = credentials.origin[kind]
    if (origin === 'generated') lines.push(`  ${label} ${value}   (new: shown once, saved in ${input.credentialsFile})`)
    else if (origin === 'stored') lines.push(`  ${label} ${maskSecret(value)}   (full value in ${input.credentialsFile})`)
    else lines.push(`  ${label} ${maskSecret(value)}   (from ${kind === 'ingestKey' ? 'PERISCOPE_INGEST_KEY' : 'PERISCOPE_ADMIN_TOKEN'})`)
  }
  show('Ingest key     ', 'ingestKey')
  show('Admin token    ', 'adminToken')
  lines.push('', 'Press Ctrl-C to stop.', '')
  return lines.join('\n')
}
