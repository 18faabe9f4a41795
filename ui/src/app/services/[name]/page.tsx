import { ServicePage } from '../../../components/service/ServicePage.tsx'

export default async function Page({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params
  return <ServicePage name={decodeURIComponent(name)} />
}
