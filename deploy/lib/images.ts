/**
 * The image targets of deploy/docker/Dockerfile and what each runs, as the manifests, compose and
 * their tests expect them: image name, entry file, listening port, and which config loader
 * validates the container's environment (so env names and values in deploy/ are checked against
 * the service's own config schema, not a copy of it).
 */
import type { TSchema } from 'typebox'
import { loadConfig } from '@periscope/runtime'
import { BootstrapConfigSchema } from '../bootstrap/config.ts'
import { CollectorConfigSchema, IngestConfigSchema, MigrateConfigSchema, QueryApiConfigSchema } from './service-configs.ts'

export type ImageTarget = 'collector' | 'ingest' | 'query-api' | 'evaluator' | 'agent' | 'ui' | 'migrate' | 'bootstrap'

export interface ImageSpec {
  readonly target: ImageTarget
  /** image name in the manifests, tag set by kustomize / compose */
  readonly image: string
  /** the file the target's ENTRYPOINT runs, relative to the repository root */
  readonly entry: string
  /** the port the service listens on, when it serves one */
  readonly port?: number
  /** config key of that port, e.g. ['http', 'port'] */
  readonly portPath?: readonly string[]
  /** how its environment is validated */
  readonly env: EnvCheck
}

export type EnvCheck =
  | { readonly kind: 'schema'; readonly schema: TSchema; readonly prefix: string; readonly alsoRead?: readonly string[] }
  /** the agent: its YAML file plus env (checked with its own loader by the tests) */
  | { readonly kind: 'agent' }
  /** plain variables read by the file named (the UI's config.ts has no schema) */
  | { readonly kind: 'names'; readonly names: readonly string[]; readonly file: string }

export const IMAGES: readonly ImageSpec[] = [
  { target: 'collector', image: 'periscope/collector', entry: 'collector/src/main.ts', port: 4318, portPath: ['http', 'port'], env: { kind: 'schema', schema: CollectorConfigSchema, prefix: 'PERISCOPE_COLLECTOR' } },
  { target: 'ingest', image: 'periscope/ingest', entry: 'ingest/src/main.ts', port: 8081, portPath: ['http', 'port'], env: { kind: 'schema', schema: IngestConfigSchema, prefix: 'PERISCOPE_INGEST' } },
  { target: 'query-api', image: 'periscope/query-api', entry: 'query-api/src/main.ts', port: 8080, portPath: ['http', 'port'], env: { kind: 'schema', schema: QueryApiConfigSchema, prefix: 'PERISCOPE_QUERY_API' } },
  // the evaluator runs the query API's code with its configuration (alerting.* holds its settings)
  {
    target: 'evaluator',
    image: 'periscope/evaluator',
    entry: 'query-api/src/evaluator-main.ts',
    port: 8081,
    portPath: ['alerting', 'evaluator', 'httpPort'],
    env: { kind: 'schema', schema: QueryApiConfigSchema, prefix: 'PERISCOPE_QUERY_API' },
  },
  { target: 'agent', image: 'periscope/agent', entry: 'agent/src/main.ts', port: 4318, portPath: ['server', 'port'], env: { kind: 'agent' } },
  {
    target: 'ui',
    image: 'periscope/ui',
    entry: 'ui/src/app/layout.tsx',
    port: 3000,
    env: { kind: 'names', names: ['PERISCOPE_QUERY_API_URL', 'PERISCOPE_UI_API_TOKEN', 'PERISCOPE_UI_PROXY_TIMEOUT_MS'], file: 'ui/src/config.ts' },
  },
  { target: 'migrate', image: 'periscope/migrate', entry: 'packages/store/src/migrate-main.ts', env: { kind: 'schema', schema: MigrateConfigSchema, prefix: 'PERISCOPE_MIGRATE' } },
  {
    target: 'bootstrap',
    image: 'periscope/bootstrap',
    entry: 'deploy/bootstrap/main.ts',
    env: { kind: 'schema', schema: BootstrapConfigSchema, prefix: 'PERISCOPE_BOOTSTRAP', alsoRead: ['PERISCOPE_INGEST_KEY', 'PERISCOPE_ADMIN_TOKEN'] },
  },
]

export function imageSpec(image: string): ImageSpec | undefined {
  return IMAGES.find((spec) => spec.image === image)
}

/** Variables every container may carry without a service reading them. */
export const GENERIC_ENV = new Set(['NODE_OPTIONS', 'TZ', 'NEXT_TELEMETRY_DISABLED', 'NODE_ENV'])

/**
 * Validates a container's environment with the service's own loader: every variable under the
 * prefix must name a setting and parse, the whole config must be valid. Returns the config, or
 * throws the loader's error listing every problem. Secret references are given placeholders.
 */
export function loadContainerEnv(spec: ImageSpec & { env: { kind: 'schema' } }, env: Record<string, string>): Record<string, unknown> {
  const ignore = [...(spec.env.alsoRead ?? [])].filter((name) => name.startsWith(spec.env.prefix))
  return loadConfig(spec.env.schema, { env, envPrefix: spec.env.prefix, ignoreEnv: ignore, onWarning: () => {} }) as Record<string, unknown>
}
