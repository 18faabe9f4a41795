/**
 * The `host_metrics` source: the host's utilisation and saturation signals, every interval, named
 * after the OpenTelemetry semantic conventions for system metrics:
 *   system.cpu.time{cpu.mode}                      counter, s (all CPUs)
 *   system.cpu.utilization{cpu.mode}               gauge 0..1, share of CPU time in the mode since
 *                                                  the previous collection (needs two readings)
 *   system.cpu.logical.count                       gauge
 *   system.cpu.load_average.1m / 5m / 15m          gauge
 *   system.processes.count{system.process.status}  gauge: running (the run queue) and blocked
 *   system.memory.usage{system.memory.state}       gauge, By: used, free, buffers, cached (sum = total)
 *   system.memory.utilization{system.memory.state} gauge 0..1
 *   system.memory.limit                            gauge, By
 *   system.paging.usage{system.paging.state}       gauge, By: used, free (swap)
 *   system.paging.utilization{system.paging.state} gauge 0..1
 *   system.disk.io{system.device, disk.io.direction}          counter, By
 *   system.disk.operations{system.device, disk.io.direction}  counter
 *   system.disk.io_time{system.device}                        counter, s (busy time: disk saturation)
 *   system.filesystem.usage{system.device, system.filesystem.mountpoint, .type, .state}  gauge, By:
 *                                                  used, free (available to users), reserved
 *   system.filesystem.utilization{…}               gauge 0..1: used / (used + free), as df shows
 *   system.network.io / packets / errors / dropped{system.device, network.io.direction}  counters
 * Counters are cumulative from boot (start time = btime). `procRoot` points at the host's /proc
 * and `rootfsPrefix` at the host's / (a DaemonSet mounts them under /host).
 */
import { readFile, statfs } from 'node:fs/promises'
import { join } from 'node:path'
import type { KeyValue, Metric, MetricsRequest, NumberDataPoint } from '@periscope/model'
import { Temporality } from '@periscope/model'
import type { Logger } from '@periscope/runtime'
import type { ComponentCounters } from '../../agent-metrics.ts'
import { stringAttribute } from '../../transforms/any-value.ts'
import { CPU_MODES, parseDiskstats, parseLoadavg, parseMeminfo, parseMounts, parseNetDev, parseProcStat, type ProcStat } from './proc-readers.ts'

export interface HostMetricsOptions {
  intervalMs: number
  procRoot: string
  rootfsPrefix: string
}

export interface HostMetricsDeps {
  resourceAttributes: readonly KeyValue[]
  emit: (request: MetricsRequest, points: number) => Promise<boolean>
  logger: Logger
  counters: ComponentCounters
  now?: () => number
}

export interface HostMetrics {
  collect(): Promise<MetricsRequest>
  start(): void
  stop(): Promise<void>
}

const SCOPE = { name: 'periscope-agent/host_metrics', version: '', attributes: [], droppedAttributesCount: 0 }

type Attrs = Array<[string, string]>

class MetricBuilder {
  readonly metrics: Metric[] = []
  constructor(
    private readonly timeNs: bigint,
    private readonly startNs: bigint,
  ) {}

  private points(values: Array<[Attrs, number]>, cumulative: boolean): NumberDataPoint[] {
    return values.map(([attrs, value]) => ({
      attributes: attrs.map(([k, v]) => stringAttribute(k, v)),
      startTimeUnixNano: cumulative ? this.startNs : 0n,
      timeUnixNano: this.timeNs,
      value: { type: 'double', value },
      exemplars: [],
      flags: 0,
    }))
  }

  gauge(name: string, unit: string, description: string, values: Array<[Attrs, number]>): void {
    if (values.length) this.metrics.push({ name, unit, description, metadata: [], data: { type: 'gauge', dataPoints: this.points(values, false) } })
  }

  counter(name: string, unit: string, description: string, values: Array<[Attrs, number]>): void {
    if (!values.length) return
    this.metrics.push({
      name,
      unit,
      description,
      metadata: [],
      data: { type: 'sum', dataPoints: this.points(values, true), aggregationTemporality: Temporality.CUMULATIVE, isMonotonic: true },
    })
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    return undefined
  }
}

export function createHostMetrics(options: HostMetricsOptions, deps: HostMetricsDeps): HostMetrics {
  const now = deps.now ?? Date.now
  const proc = (name: string) => join(options.procRoot, name)
  let previousCpu: ProcStat['cpuSeconds'] | undefined
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> | undefined
  let stopped = false

  async function collect(): Promise<MetricsRequest> {
    const timeNs = BigInt(now()) * 1_000_000n
    const [statText, memText, loadText, diskText, netText, mountsText] = await Promise.all(
      ['stat', 'meminfo', 'loadavg', 'diskstats', 'net/dev', 'mounts'].map((n) => readText(proc(n))),
    )
    const stat = statText ? parseProcStat(statText) : undefined
    const b = new MetricBuilder(timeNs, stat ? BigInt(stat.bootTimeSeconds) * 1_000_000_000n : 0n)

    if (stat) {
      b.counter('system.cpu.time', 's', 'Seconds each logical CPU spent in each mode', CPU_MODES.map((m) => [[['cpu.mode', m]], stat.cpuSeconds[m]]))
      if (previousCpu) {
        const deltas = CPU_MODES.map((m) => Math.max(0, stat.cpuSeconds[m] - previousCpu![m]))
        const total = deltas.reduce((a, v) => a + v, 0)
        if (total > 0) {
          b.gauge('system.cpu.utilization', '1', 'Share of CPU time spent in each mode since the previous collection', CPU_MODES.map((m, i) => [[['cpu.mode', m]], deltas[i]! / total]))
        }
      }
      previousCpu = stat.cpuSeconds
      b.gauge('system.cpu.logical.count', '{cpu}', 'Logical CPUs', [[[], stat.logicalCpus]])
      b.gauge('system.processes.count', '{process}', 'Processes by status: running is the run queue (CPU saturation), blocked waits on I/O', [
        [[['system.process.status', 'running']], stat.procsRunning],
        [[['system.process.status', 'blocked']], stat.procsBlocked],
      ])
    }
    if (loadText) {
      const load = parseLoadavg(loadText)
      b.gauge('system.cpu.load_average.1m', '{thread}', 'Load average over 1 minute', [[[], load.load1]])
      b.gauge('system.cpu.load_average.5m', '{thread}', 'Load average over 5 minutes', [[[], load.load5]])
      b.gauge('system.cpu.load_average.15m', '{thread}', 'Load average over 15 minutes', [[[], load.load15]])
    }
    if (memText) {
      const mem = parseMeminfo(memText)
      const used = Math.max(0, mem.totalBytes - mem.freeBytes - mem.buffersBytes - mem.cachedBytes)
      const states: Array<[string, number]> = [['used', used], ['free', mem.freeBytes], ['buffers', mem.buffersBytes], ['cached', mem.cachedBytes]]
      b.gauge('system.memory.usage', 'By', 'Memory in use by state', states.map(([s, v]) => [[['system.memory.state', s]], v]))
      if (mem.totalBytes > 0) {
        b.gauge('system.memory.utilization', '1', 'Share of memory by state', states.map(([s, v]) => [[['system.memory.state', s]], v / mem.totalBytes]))
      }
      b.gauge('system.memory.limit', 'By', 'Total memory', [[[], mem.totalBytes]])
      const swapUsed = Math.max(0, mem.swapTotalBytes - mem.swapFreeBytes)
      b.gauge('system.paging.usage', 'By', 'Swap in use and free', [
        [[['system.paging.state', 'used']], swapUsed],
        [[['system.paging.state', 'free']], mem.swapFreeBytes],
      ])
      if (mem.swapTotalBytes > 0) {
        b.gauge('system.paging.utilization', '1', 'Share of swap used and free', [
          [[['system.paging.state', 'used']], swapUsed / mem.swapTotalBytes],
          [[['system.paging.state', 'free']], mem.swapFreeBytes / mem.swapTotalBytes],
        ])
      }
    }
    if (diskText) {
      const disks = parseDiskstats(diskText)
      b.counter('system.disk.io', 'By', 'Bytes read from and written to each device', disks.flatMap((d) => [
        [[['system.device', d.device], ['disk.io.direction', 'read']], d.readBytes],
        [[['system.device', d.device], ['disk.io.direction', 'write']], d.writeBytes],
      ] as Array<[Attrs, number]>))
      b.counter('system.disk.operations', '{operation}', 'Reads and writes completed per device', disks.flatMap((d) => [
        [[['system.device', d.device], ['disk.io.direction', 'read']], d.readsCompleted],
        [[['system.device', d.device], ['disk.io.direction', 'write']], d.writesCompleted],
      ] as Array<[Attrs, number]>))
      b.counter('system.disk.io_time', 's', 'Time each device was busy', disks.map((d) => [[['system.device', d.device]], d.ioTimeSeconds]))
    }
    if (netText) {
      const nets = parseNetDev(netText)
      const pair = (rx: (n: (typeof nets)[number]) => number, tx: (n: (typeof nets)[number]) => number) =>
        nets.flatMap((n) => [
          [[['system.device', n.device], ['network.io.direction', 'receive']], rx(n)],
          [[['system.device', n.device], ['network.io.direction', 'transmit']], tx(n)],
        ] as Array<[Attrs, number]>)
      b.counter('system.network.io', 'By', 'Bytes received and transmitted per interface', pair((n) => n.receiveBytes, (n) => n.transmitBytes))
      b.counter('system.network.packets', '{packet}', 'Packets per interface', pair((n) => n.receivePackets, (n) => n.transmitPackets))
      b.counter('system.network.errors', '{error}', 'Errors per interface', pair((n) => n.receiveErrors, (n) => n.transmitErrors))
      b.counter('system.network.dropped', '{packet}', 'Dropped packets per interface', pair((n) => n.receiveDropped, (n) => n.transmitDropped))
    }
    if (mountsText) {
      const usage: Array<[Attrs, number]> = []
      const utilization: Array<[Attrs, number]> = []
      for (const mount of parseMounts(mountsText)) {
        try {
          const fs = await statfs(join(options.rootfsPrefix || '/', mount.mountpoint))
          const total = fs.blocks * fs.bsize
          if (total === 0) continue
          const free = fs.bfree * fs.bsize
          const available = fs.bavail * fs.bsize
          const used = total - free
          const attrs: Attrs = [['system.device', mount.device], ['system.filesystem.mountpoint', mount.mountpoint], ['system.filesystem.type', mount.type]]
          usage.push([[...attrs, ['system.filesystem.state', 'used']], used], [[...attrs, ['system.filesystem.state', 'free']], available], [[...attrs, ['system.filesystem.state', 'reserved']], free - available])
          if (used + available > 0) utilization.push([[...attrs, ['system.filesystem.state', 'used']], used / (used + available)])
        } catch {
          // unmounted or not accessible since /proc/mounts was read
        }
      }
      b.gauge('system.filesystem.usage', 'By', 'Filesystem space by state', usage)
      b.gauge('system.filesystem.utilization', '1', 'Share of the filesystem space in use, as df reports it', utilization)
    }
    return {
      resourceMetrics: [
        { resource: { attributes: [...deps.resourceAttributes], droppedAttributesCount: 0, entityRefs: [] }, scopeMetrics: [{ scope: SCOPE, metrics: b.metrics, schemaUrl: '' }], schemaUrl: '' },
      ],
    }
  }

  async function round(): Promise<void> {
    const request = await collect()
    const points = request.resourceMetrics[0]!.scopeMetrics[0]!.metrics.reduce((n, m) => n + ('dataPoints' in m.data ? m.data.dataPoints.length : 0), 0)
    deps.counters.received(points)
    if (await deps.emit(request, points)) deps.counters.sent(points)
    else deps.counters.dropped(points, 'buffer_full')
  }

  function schedule(): void {
    if (stopped) return
    timer = setTimeout(() => {
      running = round()
        .catch((error: unknown) => {
          deps.counters.failed(1)
          deps.logger.error({ err: error }, 'host metrics collection failed')
        })
        .finally(schedule)
    }, options.intervalMs)
  }

  return {
    collect,
    start() {
      // a first reading at once, so CPU utilisation is available after one interval
      running = collect().then(() => undefined, () => undefined).finally(schedule)
    },
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}
