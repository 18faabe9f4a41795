import { LogsPage } from '../../components/logs/LogsPage.tsx'

export default function Page() {
  return <LogsPage />
}
