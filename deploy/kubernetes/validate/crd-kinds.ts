/**
 * Structural checks of the custom resources deploy/kubernetes uses: Strimzi (Kafka,
 * KafkaNodePool, KafkaTopic; kafka.strimzi.io/v1beta2) and the Altinity operator
 * (ClickHouseInstallation, ClickHouseKeeperInstallation).
 *
 * No npm package ships these CRDs' schemas, so these are our own minimal JSON schemas: they
 * describe only the fields the manifests use, with the names, types and enums of the operators'
 * API references (Strimzi 0.45 `v1beta2`, Altinity clickhouse-operator 0.24 `v1`), and refuse
 * any other key (additionalProperties: false) so a typo or a field from another version fails
 * here instead of being dropped by the API server. They are not a substitute for the real CRD
 * schemas: a value the operator would refuse for a reason not written here still passes.
 */
import { Ajv, type ErrorObject, type SchemaObject } from 'ajv'
import type { YamlObject } from '../../lib/yaml-documents.ts'
import type { KindProblem } from './builtin-kinds.ts'

const str = { type: 'string', minLength: 1 }
const int = (minimum = 0) => ({ type: 'integer', minimum })
const closed = (properties: Record<string, SchemaObject>, required: string[] = []): SchemaObject => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
})
const stringMap = { type: 'object', additionalProperties: { type: 'string' } }
const quantity = { anyOf: [{ type: 'string', pattern: '^[0-9.]+(m|Ki|Mi|Gi|Ti|k|M|G|T)?$' }, { type: 'number' }] }
const resources = closed({ requests: { type: 'object', additionalProperties: quantity }, limits: { type: 'object', additionalProperties: quantity } })
const metadata = (labels: SchemaObject = stringMap) => closed({ name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' }, namespace: str, labels, annotations: stringMap }, ['name'])
const resource = (apiVersion: string, kind: string, spec: SchemaObject, labels?: SchemaObject): SchemaObject =>
  closed({ apiVersion: { const: apiVersion }, kind: { const: kind }, metadata: metadata(labels), spec }, ['apiVersion', 'kind', 'metadata', 'spec'])

/** Kafka broker config values: strings, numbers and booleans only. */
const kafkaConfig = { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } }
const labelSelector = closed({
  matchLabels: stringMap,
  matchExpressions: {
    type: 'array',
    items: closed({ key: str, operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] }, values: { type: 'array', items: { type: 'string' } } }, ['key', 'operator']),
  },
})
const strimziClusterLabel = { ...stringMap, properties: { 'strimzi.io/cluster': str }, required: ['strimzi.io/cluster'] }

const SCHEMAS: Record<string, SchemaObject> = {
  'kafka.strimzi.io/v1beta2/Kafka': resource(
    'kafka.strimzi.io/v1beta2',
    'Kafka',
    closed(
      {
        kafka: closed(
          {
            version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+$' },
            metadataVersion: { type: 'string', pattern: '^\\d+\\.\\d+-IV\\d+$' },
            listeners: {
              type: 'array',
              minItems: 1,
              items: closed(
                {
                  name: { type: 'string', pattern: '^[a-z0-9]{1,11}$' },
                  port: int(9092),
                  type: { enum: ['internal', 'route', 'loadbalancer', 'nodeport', 'ingress', 'cluster-ip'] },
                  tls: { type: 'boolean' },
                  networkPolicyPeers: { type: 'array', items: closed({ podSelector: labelSelector, namespaceSelector: labelSelector }) },
                },
                ['name', 'port', 'type', 'tls'],
              ),
            },
            config: kafkaConfig,
          },
          ['listeners'],
        ),
        entityOperator: closed({ topicOperator: closed({ watchedNamespace: str, reconciliationIntervalMs: int(1) }), userOperator: closed({}) }),
      },
      ['kafka'],
    ),
  ),
  'kafka.strimzi.io/v1beta2/KafkaNodePool': resource(
    'kafka.strimzi.io/v1beta2',
    'KafkaNodePool',
    closed(
      {
        replicas: int(1),
        roles: { type: 'array', minItems: 1, items: { enum: ['controller', 'broker'] }, uniqueItems: true },
        storage: closed(
          {
            type: { enum: ['jbod', 'ephemeral', 'persistent-claim'] },
            volumes: {
              type: 'array',
              items: closed(
                { id: int(0), type: { enum: ['ephemeral', 'persistent-claim'] }, size: str, class: str, deleteClaim: { type: 'boolean' }, kraftMetadata: { enum: ['shared'] } },
                ['id', 'type'],
              ),
            },
          },
          ['type'],
        ),
        resources,
      },
      ['replicas', 'roles', 'storage'],
    ),
    strimziClusterLabel,
  ),
  'kafka.strimzi.io/v1beta2/KafkaTopic': resource(
    'kafka.strimzi.io/v1beta2',
    'KafkaTopic',
    closed({ topicName: str, partitions: int(1), replicas: { type: 'integer', minimum: 1, maximum: 32767 }, config: kafkaConfig }, ['partitions', 'replicas']),
    strimziClusterLabel,
  ),
  'clickhouse-keeper.altinity.com/v1/ClickHouseKeeperInstallation': resource(
    'clickhouse-keeper.altinity.com/v1',
    'ClickHouseKeeperInstallation',
    closed({
      configuration: closed({ clusters: { type: 'array', items: closed({ name: str, layout: closed({ replicasCount: int(1) }) }, ['name']) }, settings: stringMap }),
      defaults: closed({ templates: closed({ podTemplate: str, dataVolumeClaimTemplate: str, serviceTemplate: str }) }),
      templates: templatesSchema(),
    }),
  ),
  'clickhouse.altinity.com/v1/ClickHouseInstallation': resource(
    'clickhouse.altinity.com/v1',
    'ClickHouseInstallation',
    closed({
      configuration: closed({
        zookeeper: closed({ nodes: { type: 'array', minItems: 1, items: closed({ host: str, port: int(1) }, ['host']) } }),
        // user settings are flat `<user>/<setting>` keys
        users: { type: 'object', propertyNames: { pattern: '^[a-z_][a-z0-9_]*/[a-z0-9_/]+$' }, additionalProperties: { type: ['string', 'number', 'array'] } },
        settings: { type: 'object' },
        clusters: {
          type: 'array',
          minItems: 1,
          items: closed({ name: { type: 'string', pattern: '^[a-z0-9-]{1,15}$' }, layout: closed({ shardsCount: int(1), replicasCount: int(1) }) }, ['name', 'layout']),
        },
      }),
      defaults: closed({ templates: closed({ podTemplate: str, dataVolumeClaimTemplate: str, logVolumeClaimTemplate: str, serviceTemplate: str }) }),
      templates: templatesSchema(),
    }),
  ),
}

function templatesSchema(): SchemaObject {
  const container = closed({ name: str, image: { type: 'string', pattern: '^[a-z0-9./-]+:[A-Za-z0-9._-]+$' }, resources }, ['name', 'image'])
  return closed({
    podTemplates: { type: 'array', items: closed({ name: str, spec: closed({ containers: { type: 'array', minItems: 1, items: container } }, ['containers']) }, ['name', 'spec']) },
    volumeClaimTemplates: {
      type: 'array',
      items: closed(
        {
          name: str,
          spec: closed(
            {
              accessModes: { type: 'array', items: { enum: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] } },
              storageClassName: str,
              resources: closed({ requests: closed({ storage: quantity }, ['storage']) }, ['requests']),
            },
            ['accessModes', 'resources'],
          ),
        },
        ['name', 'spec'],
      ),
    },
  })
}

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true })
const validators = new Map(Object.entries(SCHEMAS).map(([key, schema]) => [key, ajv.compile(schema)]))

export const CUSTOM_KINDS: readonly string[] = [...validators.keys()]

export function isCustomKind(object: YamlObject): boolean {
  return validators.has(`${String(object['apiVersion'])}/${String(object['kind'])}`)
}

export function validateCustomKind(object: YamlObject): KindProblem[] {
  const metadata = object['metadata'] as YamlObject | undefined
  const name = `${String(object['kind'])}/${String(metadata?.['name'])}`
  const validate = validators.get(`${String(object['apiVersion'])}/${String(object['kind'])}`)
  if (!validate) return [{ object: name, problem: `no schema for ${String(object['apiVersion'])} ${String(object['kind'])}` }]
  if (validate(object)) return []
  return (validate.errors ?? []).map((e: ErrorObject) => ({ object: name, problem: `${e.instancePath || '/'} ${e.message ?? e.keyword}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}` }))
}
