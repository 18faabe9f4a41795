import { describe, expect, it } from 'vitest'
import { readLoadConfig, readShopConfig } from './config.ts'

describe('shop configuration', () => {
  it('has the documented defaults', () => {
    const c = readShopConfig({})
    expect(c.ports).toEqual({ frontend: 7001, checkout: 7002, payment: 7003, inventory: 7004 })
    expect(c.host).toBe('127.0.0.1')
    expect(c.paymentErrorRate).toBe(0.05)
    expect(c.inventorySlowRate).toBe(0.03)
    expect(readLoadConfig({})).toEqual({ ratePerSecond: 4, durationS: 0, concurrency: 8 })
  })

  it('reads error rates and latency from the environment', () => {
    const c = readShopConfig({ SHOP_PAYMENT_ERROR_RATE: '0.5', SHOP_INVENTORY_SLOW_MS: '2000', PERISCOPE_SHOP_LOG_DIR: '/tmp/x' })
    expect(c.paymentErrorRate).toBe(0.5)
    expect(c.inventorySlowMs).toBe(2000)
    expect(c.logDir).toBe('/tmp/x')
  })

  it('rejects out-of-range values with the variable name', () => {
    expect(() => readShopConfig({ SHOP_PAYMENT_ERROR_RATE: '2' })).toThrow('SHOP_PAYMENT_ERROR_RATE')
    expect(() => readLoadConfig({ SHOP_LOAD_RATE: 'fast' })).toThrow('SHOP_LOAD_RATE')
  })
})
