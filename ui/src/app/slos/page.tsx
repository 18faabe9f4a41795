import { SlosPage } from '../../components/slos/SlosPage.tsx'

export default function Page() {
  return <SlosPage />
}
