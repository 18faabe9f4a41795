import type { RouteModule } from './route-module.ts'
export const dashboardsRoutes: RouteModule = { name: 'dashboards', register() {} }
