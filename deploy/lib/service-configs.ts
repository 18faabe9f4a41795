/**
 * The config schemas and loaders of the services deploy/ wires, in one place, for the all-in-one
 * launcher (which builds the services in process) and for the checks that manifests, compose
 * and the image agree with the services (env names, ports).
 *
 * Every schema comes from its package's public exports (no deep paths into other packages).
 */
export { CollectorConfigSchema, loadCollectorConfig, type CollectorConfig } from '@periscope/collector/app'
export { MigrateConfigSchema } from '@periscope/store'
export { IngestConfigSchema, loadIngestConfig, type IngestConfig } from '@periscope/ingest/app'
export { QueryApiConfigSchema, loadQueryApiConfig, type QueryApiConfig } from '@periscope/query-api/config'
export { AgentConfigSchema, loadAgentConfig, type AgentConfig } from '@periscope/agent/app'
