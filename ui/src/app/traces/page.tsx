import { TracesPage } from '../../components/traces/TracesPage.tsx'

export default function Page() {
  return <TracesPage />
}
