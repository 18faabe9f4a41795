/**
 * The demo shop as a library, for the all-in-one launcher and end-to-end tests:
 * `startShop()` runs the four instrumented services, `runLoad()` drives them.
 */
export { startShop, type Shop, type ShopOptions } from './launcher.ts'
export { runLoad, type Load, type LoadOptions, type LoadSummary } from './load-generator.ts'
export { SERVICES, DEFAULT_SHOP_ENDPOINT, type ServiceName } from './config.ts'
