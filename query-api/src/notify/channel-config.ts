/**
 * Channel configurations as stored in channels.Config (JSON) and accepted by the API, and how
 * they are shown back: secrets (a Slack webhook URL is one, a PagerDuty routing key, a webhook
 * signing secret) are never returned — GET shows a redacted form, and an update that leaves a
 * secret out keeps the stored one.
 */
import { Type, type Static } from 'typebox'

export const DEFAULT_PAGERDUTY_URL = 'https://events.pagerduty.com/v2/enqueue'

const Url = Type.String({ minLength: 8, maxLength: 2048, pattern: '^https?://', description: 'http(s) URL; checked against the SSRF guard when saved and on every send' })

export const SlackConfig = Type.Object(
  { url: { ...Url, description: 'Slack incoming-webhook URL (a secret: shown redacted)' } },
  { additionalProperties: false },
)
export type SlackConfig = Static<typeof SlackConfig>

export const PagerDutyConfig = Type.Object(
  {
    routingKey: Type.String({ minLength: 1, maxLength: 128, description: 'Events API v2 integration (routing) key (a secret: shown redacted)' }),
    url: Type.Optional({ ...Url, description: `Events API v2 endpoint; default ${DEFAULT_PAGERDUTY_URL}` }),
  },
  { additionalProperties: false },
)
export type PagerDutyConfig = Static<typeof PagerDutyConfig>

export const WebhookConfig = Type.Object(
  {
    url: Url,
    secret: Type.String({ minLength: 16, maxLength: 256, description: 'HMAC-SHA256 key of X-Periscope-Signature (never shown again)' }),
    headers: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }), Type.String({ maxLength: 1024 }), {
        maxProperties: 10,
        additionalProperties: false,
        description: 'extra request headers (e.g. an authorization the receiver wants)',
      }),
    ),
  },
  { additionalProperties: false },
)
export type WebhookConfig = Static<typeof WebhookConfig>

export type ChannelConfig = SlackConfig | PagerDutyConfig | WebhookConfig

export interface ChannelConfigByType {
  slack: SlackConfig
  pagerduty: PagerDutyConfig
  webhook: WebhookConfig
}

/** The URL a channel sends to. */
export function destinationOf(type: keyof ChannelConfigByType, config: ChannelConfig): string {
  if (type === 'pagerduty') return (config as PagerDutyConfig).url ?? DEFAULT_PAGERDUTY_URL
  return (config as SlackConfig | WebhookConfig).url
}

/** `https://hooks.slack.com/…`: scheme, host and port only. */
function redactUrl(text: string): string {
  try {
    const url = new URL(text)
    return `${url.protocol}//${url.host}/…`
  } catch {
    return '…'
  }
}

/** What GET answers: no secret, only enough to recognise the destination. */
export function redactConfig(type: keyof ChannelConfigByType, config: ChannelConfig): Record<string, unknown> {
  switch (type) {
    case 'slack':
      return { url: redactUrl((config as SlackConfig).url) }
    case 'pagerduty': {
      const pd = config as PagerDutyConfig
      return { routingKey: `${pd.routingKey.slice(0, 4)}…`, url: pd.url ?? DEFAULT_PAGERDUTY_URL }
    }
    case 'webhook': {
      const hook = config as WebhookConfig
      return { url: hook.url, secret: '…', headers: Object.fromEntries(Object.keys(hook.headers ?? {}).map((k) => [k, '…'])) }
    }
  }
}

/**
 * An update's config merged over the stored one: for the same type, a secret the update leaves
 * out (Slack url, PagerDuty routingKey, webhook secret and headers) is kept.
 */
export function mergeConfig(type: keyof ChannelConfigByType, stored: ChannelConfig | null, update: Record<string, unknown>): Record<string, unknown> {
  if (stored === null) return update
  const kept: Record<string, unknown> = {}
  if (type === 'slack' && update.url === undefined) kept.url = (stored as SlackConfig).url
  if (type === 'pagerduty' && update.routingKey === undefined) kept.routingKey = (stored as PagerDutyConfig).routingKey
  if (type === 'webhook') {
    if (update.secret === undefined) kept.secret = (stored as WebhookConfig).secret
    if (update.headers === undefined && (stored as WebhookConfig).headers !== undefined) kept.headers = (stored as WebhookConfig).headers
  }
  return { ...kept, ...update }
}
