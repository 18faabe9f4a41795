import { AlertsPage } from '../../components/alerts/AlertsPage.tsx'

export default function Page() {
  return <AlertsPage />
}
