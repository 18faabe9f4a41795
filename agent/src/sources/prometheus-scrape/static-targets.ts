/**
 * Static scrape targets from the config → ScrapeTargets: the job is the scraped metrics'
 * `service.name` unless the target's `resourceAttributes` name one; the target's other resource
 * attributes (e.g. `service.namespace`) are applied as given, in the config's key order.
 */
import type { KeyValue } from '@periscope/model'
import { stringAttribute } from '../../transforms/any-value.ts'
import type { ScrapeTarget } from './scraper.ts'

export interface StaticTargetConfig {
  url: string
  job: string
  resourceAttributes?: Readonly<Record<string, string>>
}

export function staticScrapeTargets(targets: readonly StaticTargetConfig[]): ScrapeTarget[] {
  return targets.map((t) => {
    const configured: KeyValue[] = Object.entries(t.resourceAttributes ?? {}).map(([key, value]) => stringAttribute(key, value))
    const resourceAttributes = configured.some((a) => a.key === 'service.name') ? configured : [stringAttribute('service.name', t.job), ...configured]
    return { url: t.url, job: t.job, resourceAttributes }
  })
}
