/**
 * How the launcher runs the demo shop (sdk/examples/shop/run.ts) as one child: its four services
 * on <shopBase>+1..4, their /metrics on <shopMetricsBase>+1..4, spans to the agent's OTLP
 * receiver, JSON logs to files the agent tails, and the load generator at a steady rate.
 */
export const SHOP_SERVICES = ['frontend', 'checkout', 'payment', 'inventory'] as const

export interface ShopLaunch {
  args: string[]
  env: Record<string, string>
  frontendUrl: string
}

export function shopLaunch(options: { host: string; shopBase: number; shopMetricsBase: number; agentPort: number; logDir: string; loadRatePerSecond: number }): ShopLaunch {
  const { host, shopBase } = options
  const origin = (port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  return {
    args: ['--import', 'tsx', 'sdk/examples/shop/run.ts', `--endpoint=${origin(options.agentPort)}`, `--log-dir=${options.logDir}`, `--load=${options.loadRatePerSecond}`],
    env: {
      SHOP_HOST: host,
      SHOP_FRONTEND_PORT: String(shopBase + 1),
      SHOP_CHECKOUT_PORT: String(shopBase + 2),
      SHOP_PAYMENT_PORT: String(shopBase + 3),
      SHOP_INVENTORY_PORT: String(shopBase + 4),
      SHOP_METRICS_PORT_BASE: String(options.shopMetricsBase),
    },
    frontendUrl: origin(shopBase + 1),
  }
}
