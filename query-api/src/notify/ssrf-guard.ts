/**
 * SSRF guard for notification destinations (Slack, PagerDuty and webhook URLs are typed in by
 * users; without a guard they would make the query API and the evaluator reach into the
 * cluster's own network or a cloud metadata service).
 *
 * check(url) refuses, unless allow-listed:
 * - anything but http: and https:, and URLs with credentials;
 * - metadata host names (metadata.google.internal, metadata.goog, instance-data, metadata);
 * - every address the host resolves to (dns.lookup, all of them — a name with one public and
 *   one private record is refused) that is loopback (127/8, ::1), private (10/8, 172.16/12,
 *   192.168/16, ULA fc00::/7 — fd00:ec2::254 included), shared CGNAT (100.64/10 —
 *   100.100.100.200 included), link-local (169.254/16 — 169.254.169.254 included, fe80::/10),
 *   unspecified, multicast, reserved or benchmarking; IPv4 inside IPv6 (::ffff:a.b.c.d,
 *   ::a.b.c.d, 64:ff9b::/96, 2002::/16) is judged by its IPv4 address.
 * The allow-list holds host names (exact, case-insensitive: every address of that name is then
 * accepted), IP addresses and CIDR ranges (an address inside one is accepted).
 *
 * The answer pins the checked address: the caller connects to exactly that address
 * (http-post.ts passes it as the socket's lookup), so a second DNS answer cannot swap in another
 * one between the check and the connection (DNS rebinding). Redirects are never followed.
 * Checks happen when a channel is saved, when a test message is sent and on every delivery
 * attempt.
 */
import { lookup as dnsLookup } from 'node:dns/promises'
import { BlockList, isIP, isIPv4 } from 'node:net'

export interface ResolvedAddress {
  readonly address: string
  readonly family: 4 | 6
}

export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>

export interface SsrfGuardOptions {
  /** host names, IP addresses or CIDR ranges that may be reached even though they are internal */
  readonly allow: readonly string[]
  /** defaults to dns.lookup(host, { all: true }) */
  readonly resolve?: Resolver
}

export type GuardOutcome =
  | { readonly ok: true; readonly url: URL; readonly address: string; readonly family: 4 | 6 }
  /** retryable: the name could not be resolved right now (a policy refusal is final) */
  | { readonly ok: false; readonly reason: string; readonly retryable: boolean }

export interface SsrfGuard {
  check(url: string): Promise<GuardOutcome>
}

const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal'])

/** [range, what it is] — the order only affects which name a refusal gives. */
const BLOCKED_V4: readonly [string, number, string][] = [
  ['169.254.169.254', 32, 'a cloud metadata address'],
  ['100.100.100.200', 32, 'a cloud metadata address'],
  ['0.0.0.0', 8, 'an unspecified ("this network") address'],
  ['10.0.0.0', 8, 'a private address'],
  ['100.64.0.0', 10, 'a shared (CGNAT) address'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['169.254.0.0', 16, 'a link-local address'],
  ['172.16.0.0', 12, 'a private address'],
  ['192.0.0.0', 24, 'a reserved (IETF protocol) address'],
  ['192.168.0.0', 16, 'a private address'],
  ['198.18.0.0', 15, 'a benchmarking address'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['240.0.0.0', 4, 'a reserved address'],
]

const BLOCKED_V6: readonly [string, number, string][] = [
  ['fd00:ec2::254', 128, 'a cloud metadata address'],
  ['::', 128, 'an unspecified address'],
  ['::1', 128, 'a loopback address'],
  ['fc00::', 7, 'a private (unique local) address'],
  ['fe80::', 10, 'a link-local address'],
  ['fec0::', 10, 'a site-local address'],
  ['ff00::', 8, 'a multicast address'],
]

export function createSsrfGuard(options: SsrfGuardOptions): SsrfGuard {
  const allowedHosts = new Set<string>()
  const allowedRanges = new BlockList()
  for (const entry of options.allow) {
    const range = parseRange(entry)
    if (range) allowedRanges.addSubnet(range.address, range.prefix, range.type)
    else if (/^[a-z0-9.-]+$/i.test(entry)) allowedHosts.add(normalizeHost(entry))
    else throw new Error(`ssrf allow-list entry ${JSON.stringify(entry)} is neither a host name, an IP address nor a CIDR range`)
  }
  const resolve = options.resolve ?? defaultResolver

  return {
    async check(text) {
      let url: URL
      try {
        url = new URL(text)
      } catch {
        return refuse('not a valid URL')
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return refuse(`scheme ${url.protocol} is not allowed; use https: (or http:)`)
      if (url.username !== '' || url.password !== '') return refuse('URLs with credentials are not allowed')
      const host = normalizeHost(url.hostname.replace(/^\[|\]$/g, ''))
      const hostAllowed = allowedHosts.has(host)
      if (!hostAllowed && METADATA_HOSTS.has(host)) return refuse(`${host} is a cloud metadata host`)

      let addresses: readonly ResolvedAddress[]
      if (isIP(host) !== 0) addresses = [{ address: host, family: isIPv4(host) ? 4 : 6 }]
      else {
        try {
          addresses = await resolve(host)
        } catch (error) {
          return { ok: false, reason: `cannot resolve ${host}: ${(error as Error).message}`, retryable: true }
        }
        if (addresses.length === 0) return { ok: false, reason: `${host} has no address`, retryable: true }
      }
      if (!hostAllowed) {
        for (const { address, family } of addresses) {
          const what = blockedReason(address, family, allowedRanges)
          if (what !== null) {
            return refuse(`${host} resolves to ${address}, ${what}; add the host or a range holding it to alerting.ssrf.allow if this destination is intended`)
          }
        }
      }
      const pinned = addresses[0]!
      return { ok: true, url, address: pinned.address, family: pinned.family }
    },
  }
}

function refuse(reason: string): GuardOutcome {
  return { ok: false, reason, retryable: false }
}

async function defaultResolver(hostname: string): Promise<readonly ResolvedAddress[]> {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true })
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }))
}

function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '')
}

/** `10.0.0.0/8`, `fd00::/8`, or a bare address (a single-address range); null otherwise. */
export function parseRange(entry: string): { address: string; prefix: number; type: 'ipv4' | 'ipv6' } | null {
  const [address, prefixText, ...rest] = entry.split('/')
  if (rest.length > 0 || address === undefined) return null
  const version = isIP(address)
  if (version === 0) return null
  const max = version === 4 ? 32 : 128
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN
  if (!(prefix >= 0 && prefix <= max)) return null
  return { address, prefix, type: version === 4 ? 'ipv4' : 'ipv6' }
}

const blockedV4 = rangesOf(BLOCKED_V4, 'ipv4')
const blockedV6 = rangesOf(BLOCKED_V6, 'ipv6')

function rangesOf(ranges: readonly [string, number, string][], type: 'ipv4' | 'ipv6'): { list: BlockList; what: string }[] {
  return ranges.map(([address, prefix, what]) => {
    const list = new BlockList()
    list.addSubnet(address, prefix, type)
    return { list, what }
  })
}

/** What makes the address internal, or null when it may be reached. */
export function blockedReason(address: string, family: 4 | 6, allowed: BlockList): string | null {
  const v4 = family === 4 ? address : embeddedIpv4(address)
  if (v4 !== null) {
    if (allowed.check(v4, 'ipv4')) return null
    if (family === 6 && allowed.check(address, 'ipv6')) return null
    return blockedV4.find((r) => r.list.check(v4, 'ipv4'))?.what ?? null
  }
  if (allowed.check(address, 'ipv6')) return null
  return blockedV6.find((r) => r.list.check(address, 'ipv6'))?.what ?? null
}

/** The IPv4 address carried inside an IPv6 one (mapped, compatible, NAT64, 6to4), or null. */
export function embeddedIpv4(address: string): string | null {
  const words = ipv6Words(address)
  if (words === null) return null
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`
  const zero = (from: number, to: number) => words.slice(from, to).every((w) => w === 0)
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible) — but :: and ::1 are IPv6's own
  if (zero(0, 5) && words[5] === 0xffff) return v4(words[6]!, words[7]!)
  if (zero(0, 6) && !(words[6] === 0 && words[7]! <= 1)) return v4(words[6]!, words[7]!)
  // 64:ff9b::/96 (NAT64)
  if (words[0] === 0x64 && words[1] === 0xff9b && zero(2, 6)) return v4(words[6]!, words[7]!)
  // 2002:aabb:ccdd::/48 (6to4)
  if (words[0] === 0x2002) return v4(words[1]!, words[2]!)
  return null
}

/** The eight 16-bit words of an IPv6 address (a trailing dotted IPv4 allowed), or null. */
function ipv6Words(address: string): number[] | null {
  if (isIP(address) !== 6) return null
  let text = address.toLowerCase().split('%')[0]!
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number]
    text = text.slice(0, -dotted[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail] = text.split('::') as [string, string | undefined]
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)))
  const front = parse(head)
  if (tail === undefined) return front.length === 8 ? front : null
  const back = parse(tail)
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back]
}
