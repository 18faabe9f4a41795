/**
 * The config schemas and loaders of the services deploy/ wires, in one place, for the all-in-one
 * launcher (which builds the services in process) and for the checks that manifests, compose
 * and the image agree with the services (env names, ports).
 *
 * The collector's package exports only `./app`, which does not carry its config schema; until
 * it does (requested: export CollectorConfigSchema and loadCollectorConfig from
 * '@periscope/collector/app', as ingest and the agent do), this module reaches into
 * collector/src/config.ts and packages/store/src/config.ts (the migration job's schema) by path.
 * These are the only deep imports in deploy/, and they stay in this file.
 */
export { CollectorConfigSchema, loadCollectorConfig, type CollectorConfig } from '../../collector/src/config.ts'
export { MigrateConfigSchema } from '../../packages/store/src/config.ts'
export { IngestConfigSchema, loadIngestConfig, type IngestConfig } from '@periscope/ingest/app'
export { QueryApiConfigSchema, loadQueryApiConfig, type QueryApiConfig } from '@periscope/query-api/config'
export { AgentConfigSchema, loadAgentConfig, type AgentConfig } from '@periscope/agent/app'
