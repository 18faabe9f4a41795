/**
 * Discovers the pods on this node that ask to be scraped, through the Kubernetes API:
 *   GET {apiUrl}/api/v1/pods?fieldSelector=spec.nodeName=<node>
 * authenticated with the pod's service-account token (re-read on every refresh: projected tokens
 * rotate) and verified with the cluster CA. A running pod with an IP and the annotation
 * `prometheus.io/scrape: "true"` becomes a target at
 *   <prometheus.io/scheme | http>://<pod IP>:<prometheus.io/port | first container port><prometheus.io/path | /metrics>
 * The previous target list is kept when a refresh fails, so an API-server hiccup does not stop
 * scraping.
 */
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Logger } from '@periscope/runtime'
import { stringAttribute } from '../../transforms/any-value.ts'
import type { ScrapeTarget } from './scraper.ts'

export interface KubernetesDiscoveryOptions {
  /** https://KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT, or a local fake in tests */
  apiUrl: string
  nodeName: string
  /** returns the bearer token (read from the service-account file), or undefined for none */
  token: () => Promise<string | undefined>
  /** PEM of the cluster CA */
  ca?: Buffer | undefined
  timeoutMs: number
}

interface PodList {
  items?: Array<{
    metadata?: { name?: string; namespace?: string; uid?: string; annotations?: Record<string, string>; labels?: Record<string, string> }
    spec?: { containers?: Array<{ ports?: Array<{ containerPort?: number }> }> }
    status?: { phase?: string; podIP?: string }
  }>
}

function getJson(url: URL, headers: Record<string, string>, ca: Buffer | undefined, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      { method: 'GET', headers, timeout: timeoutMs, ...(ca && url.protocol === 'https:' ? { ca } : {}) },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (c: Buffer) => chunks.push(c))
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8')
          if (response.statusCode !== 200) return reject(new Error(`Kubernetes API answered ${response.statusCode}: ${body.slice(0, 200)}`))
          try {
            resolve(JSON.parse(body))
          } catch (error) {
            reject(new Error('Kubernetes API answered with invalid JSON', { cause: error }))
          }
        })
        response.on('error', reject)
      },
    )
    request.on('timeout', () => request.destroy(new Error(`Kubernetes API did not answer within ${timeoutMs} ms`)))
    request.on('error', reject)
    request.end()
  })
}

export function podsToTargets(list: PodList, nodeName: string): ScrapeTarget[] {
  const targets: ScrapeTarget[] = []
  for (const pod of list.items ?? []) {
    const annotations = pod.metadata?.annotations ?? {}
    if (annotations['prometheus.io/scrape'] !== 'true') continue
    if (pod.status?.phase !== 'Running' || !pod.status.podIP) continue
    const port = annotations['prometheus.io/port'] ?? pod.spec?.containers?.flatMap((c) => c.ports ?? []).find((p) => p.containerPort)?.containerPort
    if (port === undefined || !/^\d+$/.test(String(port))) continue
    const scheme = annotations['prometheus.io/scheme'] === 'https' ? 'https' : 'http'
    let path = annotations['prometheus.io/path'] ?? '/metrics'
    if (!path.startsWith('/')) path = `/${path}`
    const host = pod.status.podIP.includes(':') ? `[${pod.status.podIP}]` : pod.status.podIP
    const name = pod.metadata?.name ?? ''
    const labels = pod.metadata?.labels ?? {}
    targets.push({
      url: `${scheme}://${host}:${port}${path}`,
      job: 'kubernetes-pods',
      resourceAttributes: [
        stringAttribute('service.name', labels['app.kubernetes.io/name'] ?? labels['app'] ?? name),
        stringAttribute('k8s.namespace.name', pod.metadata?.namespace ?? ''),
        stringAttribute('k8s.pod.name', name),
        stringAttribute('k8s.pod.uid', pod.metadata?.uid ?? ''),
        stringAttribute('k8s.node.name', nodeName),
      ],
    })
  }
  return targets
}

export interface KubernetesDiscovery {
  refresh(): Promise<readonly ScrapeTarget[]>
  targets(): readonly ScrapeTarget[]
}

export function createKubernetesDiscovery(options: KubernetesDiscoveryOptions, logger: Logger): KubernetesDiscovery {
  let current: readonly ScrapeTarget[] = []
  let failing = false
  return {
    async refresh() {
      const url = new URL('/api/v1/pods', options.apiUrl)
      url.searchParams.set('fieldSelector', `spec.nodeName=${options.nodeName}`)
      try {
        const token = await options.token()
        const headers: Record<string, string> = { accept: 'application/json' }
        if (token) headers['authorization'] = `Bearer ${token}`
        current = podsToTargets((await getJson(url, headers, options.ca, options.timeoutMs)) as PodList, options.nodeName)
        if (failing) logger.info({ targets: current.length }, 'Kubernetes pod discovery recovered')
        failing = false
      } catch (error) {
        if (!failing) logger.warn({ err: error }, 'Kubernetes pod discovery failed; keeping the previous targets')
        failing = true
      }
      return current
    },
    targets: () => current,
  }
}
