import { DashboardsPage } from '../../components/dashboards/DashboardsPage.tsx'

export default function Page() {
  return <DashboardsPage />
}
