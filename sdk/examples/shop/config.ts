/**
 * Configuration of the demo shop, from the environment (the only file of the shop that reads
 * it). The launcher (run.ts) turns its flags into these variables for each service.
 *
 *   SHOP_HOST                     bind address of every service (127.0.0.1)
 *   SHOP_FRONTEND_PORT … SHOP_INVENTORY_PORT     7001, 7002, 7003, 7004
 *   SHOP_PAYMENT_ERROR_RATE       share of charges that fail with 500 (0.05)
 *   SHOP_PAYMENT_LATENCY_MS       typical charge latency (40)
 *   SHOP_INVENTORY_SLOW_RATE      share of inventory calls that are slow (0.03)
 *   SHOP_INVENTORY_SLOW_MS        extra latency of a slow inventory call (900)
 *   SHOP_INVENTORY_LATENCY_MS     typical inventory latency (8)
 *   OTEL_EXPORTER_OTLP_ENDPOINT   where the services export traces (http://127.0.0.1:4319)
 *   PERISCOPE_SHOP_LOG_DIR        where the launcher points each service's log file (./.shop-logs)
 *   SHOP_METRICS_PORT_BASE        /metrics of service i on base+i (7101…7104)
 *   SHOP_LOAD_RATE, SHOP_LOAD_DURATION_S, SHOP_LOAD_CONCURRENCY   load generator (4/s, 0 = until stopped, 8)
 */
import { resolve } from 'node:path'

export const SERVICES = ['frontend', 'checkout', 'payment', 'inventory'] as const
export type ServiceName = (typeof SERVICES)[number]

export interface ShopConfig {
  host: string
  ports: Record<ServiceName, number>
  metricsPortBase: number
  paymentErrorRate: number
  paymentLatencyMs: number
  inventorySlowRate: number
  inventorySlowMs: number
  inventoryLatencyMs: number
  logDir: string
}

export interface LoadConfig {
  ratePerSecond: number
  /** 0 = until stopped */
  durationS: number
  concurrency: number
}

type Env = Record<string, string | undefined>

function num(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new Error(`${name}=${raw} is not a number in ${min}..${max}`)
  }
  return n
}

export function readShopConfig(env: Env = process.env): ShopConfig {
  return {
    host: env.SHOP_HOST ?? '127.0.0.1',
    ports: {
      frontend: num(env, 'SHOP_FRONTEND_PORT', 7001, 0, 65535),
      checkout: num(env, 'SHOP_CHECKOUT_PORT', 7002, 0, 65535),
      payment: num(env, 'SHOP_PAYMENT_PORT', 7003, 0, 65535),
      inventory: num(env, 'SHOP_INVENTORY_PORT', 7004, 0, 65535),
    },
    metricsPortBase: num(env, 'SHOP_METRICS_PORT_BASE', 7100, 0, 65530),
    paymentErrorRate: num(env, 'SHOP_PAYMENT_ERROR_RATE', 0.05, 0, 1),
    paymentLatencyMs: num(env, 'SHOP_PAYMENT_LATENCY_MS', 40, 0, 60_000),
    inventorySlowRate: num(env, 'SHOP_INVENTORY_SLOW_RATE', 0.03, 0, 1),
    inventorySlowMs: num(env, 'SHOP_INVENTORY_SLOW_MS', 900, 0, 60_000),
    inventoryLatencyMs: num(env, 'SHOP_INVENTORY_LATENCY_MS', 8, 0, 60_000),
    logDir: resolve(env.PERISCOPE_SHOP_LOG_DIR ?? '.shop-logs'),
  }
}

export function readLoadConfig(env: Env = process.env): LoadConfig {
  return {
    ratePerSecond: num(env, 'SHOP_LOAD_RATE', 4, 0.1, 1000),
    durationS: num(env, 'SHOP_LOAD_DURATION_S', 0, 0, 86_400),
    concurrency: num(env, 'SHOP_LOAD_CONCURRENCY', 8, 1, 256),
  }
}

export const DEFAULT_SHOP_ENDPOINT = 'http://127.0.0.1:4319'

export interface LauncherConfig {
  /** OTLP/HTTP endpoint the services export to: the agent's receiver in the all-in-one. */
  endpoint: string
  /** The launcher's own environment, passed down to every service. */
  env: Env
}

export function readLauncherConfig(env: Env = process.env): LauncherConfig {
  return { endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT ?? DEFAULT_SHOP_ENDPOINT, env: { ...env } }
}
