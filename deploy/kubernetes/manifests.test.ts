/**
 * The Kubernetes base, rendered as `kubectl apply -k` would send it (render.ts), checked offline:
 * schemas of built-in kinds (kubernetes-models) and of the custom resources (crd-kinds.ts),
 * cross-references between objects, and agreement with the services themselves (image targets,
 * env validated by each service's own config loader, ports).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOPICS, deadLetterTopic } from '@periscope/pipeline'
import { loadAgentConfig } from '../lib/service-configs.ts'
import { GENERIC_ENV, imageSpec, loadContainerEnv } from '../lib/images.ts'
import { isObject, type YamlObject } from '../lib/yaml-documents.ts'
import { KUBERNETES_DIR, renderKustomization, splitImage } from './render.ts'
import { checkStrictFields, hasBuiltinModel, validateSchema } from './validate/builtin-kinds.ts'
import { isCustomKind, validateCustomKind } from './validate/crd-kinds.ts'
import { find, get, nameOf, objectsOf, portNumber, resolveEnv, selects, workloads } from './validate/workloads.ts'

const BASE = join(KUBERNETES_DIR, 'base')
// the Secret's real values are never committed: render with the committed example
const rendered = renderKustomization(BASE, { resolveFile: (path) => (path.endsWith('credentials.env') ? `${path}.example` : path) })
const objects = rendered.map((r) => r.object)
const scratch = mkdtempSync(join(tmpdir(), 'periscope-k8s-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

// One TypeScript run (seconds) for every built-in object plus a deliberately broken copy, so the
// strict check is shown to catch a misspelt field in the same run that passes the real ones.
function misspelt(): any {
  const deployment = structuredClone(find(rendered, 'Deployment', 'collector')!) as any
  deployment.metadata.name = 'collector-misspelt'
  deployment.spec.template.spec.containers[0].readinessProbes = deployment.spec.template.spec.containers[0].readinessProbe
  deployment.spec.replicas = 'two'
  return deployment
}
let strictProblems: { object: string; problem: string }[] = []
beforeAll(() => {
  strictProblems = checkStrictFields([...objects.filter((o) => !isCustomKind(o)), misspelt()])
}, 60_000)

describe('the Kubernetes base', () => {
  it('renders every resource of the kustomization into the periscope namespace', () => {
    const kinds = new Set(objects.map((o) => String(o['kind'])))
    for (const kind of ['DaemonSet', 'Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Job', 'NetworkPolicy', 'Secret', 'Kafka', 'KafkaTopic', 'ClickHouseInstallation', 'ClickHouseKeeperInstallation']) {
      expect(kinds, kind).toContain(kind)
    }
    const keys = objects.map((o) => `${String(o['kind'])}/${nameOf(o)}`)
    expect(new Set(keys).size, 'kind/name pairs are unique').toBe(keys.length)
    for (const object of objects) {
      if (['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(String(object['kind']))) continue
      expect(get(object, 'metadata', 'namespace'), `${String(object['kind'])}/${nameOf(object)}`).toBe('periscope')
    }
  })

  it('validates every built-in object against the Kubernetes API schemas, and knows every custom kind', () => {
    const problems = []
    for (const object of objects) {
      if (isCustomKind(object)) continue
      expect(hasBuiltinModel(String(object['apiVersion']), String(object['kind'])), `${String(object['apiVersion'])} ${String(object['kind'])} is a known kind`).toBe(true)
      problems.push(...validateSchema(object))
    }
    expect(problems).toEqual([])
  })

  it('uses no field the Kubernetes API does not define (strict check of every built-in object)', () => {
    expect(strictProblems.filter((p) => p.object !== 'Deployment/collector-misspelt')).toEqual([])
  })

  it('validates the Strimzi and Altinity resources against their (minimal) schemas', () => {
    expect(objects.filter(isCustomKind).flatMap(validateCustomKind)).toEqual([])
  })

  it('fails on a misspelt field, a wrong type and an unknown custom-resource key', () => {
    expect(validateSchema(misspelt()).map((p) => p.problem).join()).toMatch(/replicas must be integer/)
    const caught = strictProblems.filter((p) => p.object === 'Deployment/collector-misspelt').map((p) => p.problem)
    expect(caught.join()).toMatch(/readinessProbes/)
    expect(caught.join()).toMatch(/'string' is not assignable to type 'number'/)
    const kafka = structuredClone(find(rendered, 'Kafka', 'periscope')!) as any
    kafka.spec.kafka.listners = kafka.spec.kafka.listeners
    expect(validateCustomKind(kafka).map((p) => p.problem).join()).toMatch(/listners/)
  })
})

describe('references between objects', () => {
  const all = workloads(rendered)

  it('every Service, PodDisruptionBudget and NetworkPolicy selects pods that exist', () => {
    for (const service of objectsOf(rendered, 'Service')) {
      const selector = { matchLabels: get(service, 'spec', 'selector') as YamlObject }
      const targets = all.filter((w) => selects(selector, w.podLabels))
      expect(targets.length, `Service ${nameOf(service)} selects a workload`).toBeGreaterThan(0)
      for (const port of (get(service, 'spec', 'ports') as YamlObject[]) ?? []) {
        for (const workload of targets) {
          expect(workload.containers.some((c) => portNumber(c, port['targetPort']) !== undefined), `Service ${nameOf(service)} targetPort ${String(port['targetPort'])}`).toBe(true)
        }
      }
    }
    for (const pdb of objectsOf(rendered, 'PodDisruptionBudget')) {
      expect(all.some((w) => selects(get(pdb, 'spec', 'selector'), w.podLabels)), `PDB ${nameOf(pdb)}`).toBe(true)
    }
    // pods the operators create carry their labels: those count when the custom resource exists
    const operatorPods = [
      ...objectsOf(rendered, 'ClickHouseInstallation').map((chi) => ({ 'clickhouse.altinity.com/chi': nameOf(chi) })),
      ...objectsOf(rendered, 'ClickHouseKeeperInstallation').map((chk) => ({ 'clickhouse-keeper.altinity.com/chk': nameOf(chk) })),
    ]
    const podLabelSets: Record<string, string>[] = [...all.map((w) => w.podLabels), ...operatorPods]
    for (const policy of objectsOf(rendered, 'NetworkPolicy')) {
      const selector = get(policy, 'spec', 'podSelector') as YamlObject
      if (Object.keys(selector).length === 0) continue
      expect(podLabelSets.some((labels) => selects(selector, labels)), `NetworkPolicy ${nameOf(policy)} applies to some pod`).toBe(true)
      for (const rule of (get(policy, 'spec', 'ingress') as YamlObject[]) ?? []) {
        for (const peer of (rule['from'] as YamlObject[]) ?? []) {
          if (peer['namespaceSelector'] !== undefined) continue
          expect(podLabelSets.some((labels) => selects(peer['podSelector'], labels)), `NetworkPolicy ${nameOf(policy)} peer ${JSON.stringify(peer)}`).toBe(true)
        }
      }
    }
  })

  it('HPAs scale workloads that exist; ConfigMaps, Secrets and ServiceAccounts referenced exist', () => {
    for (const hpa of objectsOf(rendered, 'HorizontalPodAutoscaler')) {
      expect(find(rendered, String(get(hpa, 'spec', 'scaleTargetRef', 'kind')), String(get(hpa, 'spec', 'scaleTargetRef', 'name'))), `HPA ${nameOf(hpa)}`).toBeDefined()
    }
    for (const workload of all) {
      const account = workload.podSpec['serviceAccountName']
      if (typeof account === 'string') expect(find(rendered, 'ServiceAccount', account), `${workload.name} service account`).toBeDefined()
      for (const volume of (workload.podSpec['volumes'] as YamlObject[]) ?? []) {
        const configMap = get(volume, 'configMap', 'name')
        if (typeof configMap === 'string') expect(find(rendered, 'ConfigMap', configMap), `${workload.name} volume ${configMap}`).toBeDefined()
      }
      for (const container of workload.containers) {
        expect(resolveEnv(container, rendered).missing, `${workload.name}/${String(container['name'])} secret references`).toEqual([])
      }
    }
    for (const binding of objectsOf(rendered, 'ClusterRoleBinding')) {
      expect(find(rendered, 'ClusterRole', String(get(binding, 'roleRef', 'name')))).toBeDefined()
      for (const subject of (binding['subjects'] as YamlObject[]) ?? []) expect(find(rendered, 'ServiceAccount', String(subject['name']))).toBeDefined()
    }
  })
})

describe('agreement with the services', () => {
  const all = workloads(rendered)
  const images = objectsOf(rendered, 'Deployment').length + objectsOf(rendered, 'DaemonSet').length

  it('every container runs an image target of deploy/docker/Dockerfile, tagged by the kustomization', () => {
    const dockerfile = readFileSync(join(KUBERNETES_DIR, '..', 'docker', 'Dockerfile'), 'utf8')
    let checked = 0
    for (const workload of all) {
      for (const container of workload.containers) {
        const [name, tag] = splitImage(String(container['image']))
        const spec = imageSpec(name)
        expect(spec, `${workload.name}: image ${name} is one of ours`).toBeDefined()
        expect(tag, `${workload.name}: image tag`).toBe('0.1.0')
        expect(dockerfile, `Dockerfile target for ${name}`).toMatch(new RegExp(`^FROM runtime AS ${spec!.target}$`, 'm'))
        checked++
      }
    }
    expect(checked).toBeGreaterThanOrEqual(images)
  })

  it("every container's environment is valid for its service's config schema, and its port is the configured one", () => {
    for (const workload of all) {
      for (const container of workload.containers) {
        const spec = imageSpec(splitImage(String(container['image']))[0])!
        const { values } = resolveEnv(container, rendered)
        const label = `${workload.name}/${String(container['name'])}`
        const declaredPorts = ((container['ports'] as YamlObject[]) ?? []).map((p) => p['containerPort'])
        if (spec.env.kind === 'schema') {
          const check = spec.env
          const foreign = Object.keys(values).filter((name) => !name.startsWith(check.prefix + '_') && !GENERIC_ENV.has(name) && !check.alsoRead?.includes(name))
          expect(foreign, `${label}: variables its service does not read`).toEqual([])
          const config = loadContainerEnv(spec as typeof spec & { env: { kind: 'schema' } }, values)
          if (spec.portPath) {
            expect(declaredPorts, `${label}: containerPort is ${spec.portPath.join('.')}`).toContain(get(config as YamlObject, ...spec.portPath))
          }
        } else if (spec.env.kind === 'agent') {
          const configMap = find(rendered, 'ConfigMap', String(get(workload.podSpec, 'volumes', 0, 'configMap', 'name')))
          const file = join(scratch, 'agent.yaml')
          writeFileSync(file, String(get(configMap, 'data', 'agent.yaml')))
          const args = (container['args'] as string[]) ?? []
          expect(args, `${label}: reads the mounted config`).toEqual(['--config', '/etc/periscope/agent.yaml'])
          const { config } = loadAgentConfig(['--config', file], { ...values, NODE_NAME: values['NODE_NAME'] ?? '' })
          expect(declaredPorts, `${label}: containerPort is server.port`).toContain(config.server.port)
          expect(config.collector.ingestKey, `${label}: the ingest key reaches the sink`).toBe(values['PERISCOPE_INGEST_KEY'])
          expect(config.nodeName, `${label}: node name from the downward API`).toBe('<spec.nodeName>')
        } else {
          const source = readFileSync(join(KUBERNETES_DIR, '..', '..', spec.env.file), 'utf8')
          for (const name of Object.keys(values).filter((n) => !GENERIC_ENV.has(n))) {
            expect(spec.env.names, `${label}: ${name}`).toContain(name)
            expect(source, `${spec.env.file} reads ${name}`).toContain(name)
          }
        }
        if (spec.port !== undefined) expect(declaredPorts, `${label}: port`).toContain(spec.port)
      }
    }
  })

  it('the services point at the Kafka, ClickHouse and Service names and ports the manifests define', () => {
    const kafka = objectsOf(rendered, 'Kafka')[0]!
    const listenerPort = get(kafka, 'spec', 'kafka', 'listeners', 0, 'port')
    const chi = objectsOf(rendered, 'ClickHouseInstallation')[0]!
    const chk = objectsOf(rendered, 'ClickHouseKeeperInstallation')[0]!
    expect(get(chi, 'spec', 'configuration', 'zookeeper', 'nodes', 0, 'host')).toBe(`keeper-${nameOf(chk)}`)
    for (const workload of all) {
      for (const container of workload.containers) {
        for (const [name, value] of Object.entries(resolveEnv(container, rendered).values)) {
          if (name.endsWith('_BUS_BROKERS')) expect(value, name).toBe(`${nameOf(kafka)}-kafka-bootstrap:${String(listenerPort)}`)
          if (name.endsWith('_STORE_URL')) expect(value, name).toBe(`http://clickhouse-${nameOf(chi)}:8123`)
          if (name.endsWith('_STORE_CLUSTER')) expect(value, name).toBe(get(chi, 'spec', 'configuration', 'clusters', 0, 'name'))
          if (name === 'PERISCOPE_QUERY_API_URL') expect(value).toBe(`http://query-api:${String(get(find(rendered, 'Service', 'query-api'), 'spec', 'ports', 0, 'port'))}`)
        }
      }
    }
    const agentYaml = String(get(find(rendered, 'ConfigMap', 'periscope-agent'), 'data', 'agent.yaml'))
    expect(agentYaml).toContain(`endpoint: http://collector.periscope.svc:${String(get(find(rendered, 'Service', 'collector'), 'spec', 'ports', 0, 'port'))}`)
  })

  it('has a topic for every bus topic and its dead letters; ingest never has more replicas than partitions', () => {
    const topics = objectsOf(rendered, 'KafkaTopic')
    const byName = new Map(topics.map((t) => [String(get(t, 'spec', 'topicName')), t]))
    for (const topic of Object.values(TOPICS)) {
      expect(byName.has(topic), topic).toBe(true)
      expect(byName.has(deadLetterTopic(topic)), deadLetterTopic(topic)).toBe(true)
    }
    const partitions = Math.min(...topics.map((t) => Number(get(t, 'spec', 'partitions'))))
    const ingest = find(rendered, 'Deployment', 'ingest')!
    expect(Number(get(ingest, 'spec', 'replicas'))).toBeLessThanOrEqual(partitions)
    expect(objectsOf(rendered, 'HorizontalPodAutoscaler').every((h) => get(h, 'spec', 'scaleTargetRef', 'name') !== 'ingest' || Number(get(h, 'spec', 'maxReplicas')) <= partitions)).toBe(true)
    for (const workload of all) {
      for (const container of workload.containers) {
        const values = resolveEnv(container, rendered).values
        for (const [name, value] of Object.entries(values)) if (name.endsWith('_BUS_PARTITIONS')) expect(Number(value), `${workload.name} ${name}`).toBe(partitions)
      }
    }
  })

  it('runs ClickHouse as 2 shards x 2 replicas with a 3-node Keeper, Kafka on 3 nodes with min ISR 2', () => {
    const chi = objectsOf(rendered, 'ClickHouseInstallation')[0]!
    expect(get(chi, 'spec', 'configuration', 'clusters', 0, 'layout')).toEqual({ shardsCount: 2, replicasCount: 2 })
    expect(get(objectsOf(rendered, 'ClickHouseKeeperInstallation')[0], 'spec', 'configuration', 'clusters', 0, 'layout', 'replicasCount')).toBe(3)
    expect(get(chi, 'spec', 'configuration', 'users', 'periscope/k8s_secret_password')).toBe('periscope-credentials/clickhouse-password')
    expect(get(objectsOf(rendered, 'KafkaNodePool')[0], 'spec', 'replicas')).toBe(3)
    expect(get(objectsOf(rendered, 'Kafka')[0], 'spec', 'kafka', 'config', 'min.insync.replicas')).toBe(2)
  })
})

describe('workload shapes the issue asks for', () => {
  const all = workloads(rendered)

  it('the agent DaemonSet: /var/log/pods read-only, /proc, node name, hostPort 4318, tolerations, resources, probes, RBAC', () => {
    const agent = all.find((w) => w.kind === 'DaemonSet')!
    const container = agent.containers[0]!
    const mounts = container['volumeMounts'] as YamlObject[]
    const volumes = agent.podSpec['volumes'] as YamlObject[]
    const hostPathOf = (mountPath: string) => {
      const mount = mounts.find((m) => m['mountPath'] === mountPath)
      return { mount, path: get(volumes.find((v) => v['name'] === mount?.['name']), 'hostPath', 'path') }
    }
    expect(hostPathOf('/var/log/pods')).toMatchObject({ mount: { readOnly: true }, path: '/var/log/pods' })
    expect(hostPathOf('/host/proc')).toMatchObject({ mount: { readOnly: true }, path: '/proc' })
    expect((container['env'] as YamlObject[]).find((e) => e['name'] === 'NODE_NAME')).toEqual({ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } })
    expect(container['ports']).toContainEqual(expect.objectContaining({ containerPort: 4318, hostPort: 4318 }))
    expect(agent.podSpec['tolerations']).toContainEqual({ operator: 'Exists' })
    expect(get(container, 'resources', 'requests')).toBeDefined()
    expect(get(container, 'resources', 'limits', 'memory')).toBeDefined()
    const role = find(rendered, 'ClusterRole', 'periscope-agent')!
    expect(role['rules']).toContainEqual(expect.objectContaining({ resources: ['pods'], verbs: expect.arrayContaining(['list']) }))
    const binding = objectsOf(rendered, 'ClusterRoleBinding').find((b) => get(b, 'roleRef', 'name') === 'periscope-agent')!
    expect(binding['subjects']).toContainEqual({ kind: 'ServiceAccount', name: agent.podSpec['serviceAccountName'], namespace: 'periscope' })
  })

  it('every long-running container has requests, a memory limit, and probes on a declared port', () => {
    for (const workload of all.filter((w) => w.kind !== 'Job')) {
      for (const container of workload.containers) {
        const label = `${workload.name}/${String(container['name'])}`
        expect(get(container, 'resources', 'requests'), label).toBeDefined()
        expect(get(container, 'resources', 'limits', 'memory'), label).toBeDefined()
        expect(isObject(container['readinessProbe']) && isObject(container['livenessProbe']), `${label} has probes`).toBe(true)
        for (const probe of ['readinessProbe', 'livenessProbe']) {
          const port = get(container, probe, 'httpGet', 'port') ?? get(container, probe, 'tcpSocket', 'port')
          expect(portNumber(container, port), `${label} ${probe} port ${String(port)}`).toBeDefined()
        }
      }
    }
  })

  it('collector has a Service, an HPA and a PDB; the alert evaluator is one replica replaced with Recreate', () => {
    expect(find(rendered, 'Service', 'collector')).toBeDefined()
    expect(get(find(rendered, 'HorizontalPodAutoscaler', 'collector'), 'spec', 'scaleTargetRef', 'name')).toBe('collector')
    expect(find(rendered, 'PodDisruptionBudget', 'collector')).toBeDefined()
    const evaluator = find(rendered, 'Deployment', 'alert-evaluator')!
    expect(get(evaluator, 'spec', 'replicas')).toBe(1)
    expect(get(evaluator, 'spec', 'strategy', 'type')).toBe('Recreate')
    expect(objectsOf(rendered, 'HorizontalPodAutoscaler').some((h) => get(h, 'spec', 'scaleTargetRef', 'name') === 'alert-evaluator')).toBe(false)
  })

  it('denies ingress by default and keeps every secret in the Secret', () => {
    expect(find(rendered, 'NetworkPolicy', 'default-deny-ingress')).toMatchObject({ spec: { podSelector: {}, policyTypes: ['Ingress'] } })
    for (const workload of all) {
      for (const container of workload.containers) {
        for (const entry of (container['env'] as YamlObject[]) ?? []) {
          if (/PASSWORD|TOKEN|_KEY$/.test(String(entry['name']))) expect(entry['value'], `${workload.name} ${String(entry['name'])} is a literal`).toBeUndefined()
        }
      }
    }
  })
})
