import { TraceView } from '../../../components/trace/TraceView.tsx'

export default async function Page({ params, searchParams }: { params: Promise<{ traceId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { traceId } = await params
  const { span } = await searchParams
  return <TraceView traceId={traceId} initialSpanId={typeof span === 'string' ? span : null} />
}
