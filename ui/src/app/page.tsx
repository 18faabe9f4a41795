import { ServicesOverview } from '../components/services/ServicesOverview.tsx'

export default function Page() {
  return <ServicesOverview />
}
