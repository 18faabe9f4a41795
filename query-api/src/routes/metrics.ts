import type { RouteModule } from './route-module.ts'
export const metricsRoutes: RouteModule = { name: 'metrics', register() {} }
