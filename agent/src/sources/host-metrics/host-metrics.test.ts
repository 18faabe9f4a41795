import { describe, expect, it } from 'vitest'
import { cpus, totalmem } from 'node:os'
import type { Metric, MetricsRequest } from '@periscope/model'
import { createLogger } from '@periscope/runtime'
import { createHostMetrics } from './host-metrics.ts'
import { parseDiskstats, parseMeminfo, parseMounts, parseNetDev, parseProcStat } from './proc-readers.ts'

describe('/proc parsers', () => {
  it('reads /proc/stat', () => {
    const stat = parseProcStat('cpu  100 5 50 1000 20 1 2 3 0 0\ncpu0 50 2 25 500 10 0 1 1 0 0\ncpu1 50 3 25 500 10 1 1 2 0 0\nbtime 1700000000\nprocs_running 3\nprocs_blocked 1\n')
    expect(stat).toEqual({
      cpuSeconds: { user: 1, nice: 0.05, system: 0.5, idle: 10, iowait: 0.2, irq: 0.01, softirq: 0.02, steal: 0.03 },
      logicalCpus: 2,
      procsRunning: 3,
      procsBlocked: 1,
      bootTimeSeconds: 1700000000,
    })
  })
  it('reads meminfo, diskstats, net/dev and mounts', () => {
    expect(parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 600 kB\nBuffers: 50 kB\nCached: 300 kB\nSReclaimable: 20 kB\nSwapTotal: 2000 kB\nSwapFree: 1500 kB\n')).toEqual({
      totalBytes: 1024000,
      freeBytes: 102400,
      availableBytes: 614400,
      buffersBytes: 51200,
      cachedBytes: 327680,
      swapTotalBytes: 2048000,
      swapFreeBytes: 1536000,
    })
    expect(parseDiskstats('   8       0 sda 10 0 8 5 20 0 16 7 0 30 12 0 0 0 0\n   7       0 loop0 1 0 2 0 0 0 0 0 0 0 0\n')).toEqual([
      { device: 'sda', readsCompleted: 10, readBytes: 4096, writesCompleted: 20, writeBytes: 8192, ioTimeSeconds: 0.03 },
    ])
    const net = parseNetDev('Inter-|   Receive |  Transmit\n face |bytes packets|bytes\n  eth0: 1000 10 1 2 0 0 0 0 2000 20 3 4 0 0 0 0\n')
    expect(net).toEqual([{ device: 'eth0', receiveBytes: 1000, receivePackets: 10, receiveErrors: 1, receiveDropped: 2, transmitBytes: 2000, transmitPackets: 20, transmitErrors: 3, transmitDropped: 4 }])
    expect(parseMounts('/dev/sda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\n/dev/sdb /mnt/my\\040data xfs rw 0 0\n')).toEqual([
      { device: '/dev/sda1', mountpoint: '/', type: 'ext4' },
      { device: '/dev/sdb', mountpoint: '/mnt/my data', type: 'xfs' },
    ])
  })
})

function metric(request: MetricsRequest, name: string): Metric | undefined {
  return request.resourceMetrics[0]!.scopeMetrics[0]!.metrics.find((m) => m.name === name)
}
function values(request: MetricsRequest, name: string, attribute?: string): Map<string, number> {
  const m = metric(request, name)
  const out = new Map<string, number>()
  if (!m || !('dataPoints' in m.data)) return out
  for (const p of m.data.dataPoints as Array<{ attributes: Array<{ key: string; value: { type: string; value?: unknown } }>; value?: { value: number | bigint } | null }>) {
    const key = attribute ? String(p.attributes.find((a) => a.key === attribute)?.value.value ?? '') : ''
    const label = p.attributes.filter((a) => a.key !== attribute).map((a) => String(a.value.value)).join('/')
    out.set(label ? `${label}|${key}` : key, Number(p.value?.value))
  }
  return out
}

describe('host_metrics on this machine', () => {
  it('reports values within physical bounds, with counters monotonic across two readings', async () => {
    const source = createHostMetrics(
      { intervalMs: 1000, procRoot: '/proc', rootfsPrefix: '/' },
      { resourceAttributes: [], emit: async () => true, logger: createLogger({ service: 't', level: 'silent' }), counters: { received() {}, sent() {}, dropped() {}, failed() {} } },
    )
    const first = await source.collect()
    // burn a little CPU so the second reading has a non-empty interval
    const until = Date.now() + 60
    while (Date.now() < until) Math.sqrt(Math.random())
    const second = await source.collect()

    const utilization = values(second, 'system.cpu.utilization', 'cpu.mode')
    expect(utilization.size).toBe(8)
    let sum = 0
    for (const v of utilization.values()) {
      expect(v).toBeGreaterThanOrEqual(0)
      expect(v).toBeLessThanOrEqual(1)
      sum += v
    }
    expect(sum).toBeCloseTo(1, 6)
    expect(values(second, 'system.cpu.logical.count').get('')).toBe(cpus().length)

    const memory = values(second, 'system.memory.usage', 'system.memory.state')
    const total = [...memory.values()].reduce((a, v) => a + v, 0)
    // the states partition MemTotal, which the kernel also reports to os.totalmem()
    expect(total).toBe(totalmem())
    expect(memory.get('used')!).toBeLessThanOrEqual(totalmem())
    for (const v of values(second, 'system.memory.utilization', 'system.memory.state').values()) expect(v).toBeGreaterThanOrEqual(0), expect(v).toBeLessThanOrEqual(1)

    const running = values(second, 'system.processes.count', 'system.process.status').get('running')!
    expect(running).toBeGreaterThanOrEqual(1) // this very process was running when it read /proc/stat
    expect(values(second, 'system.cpu.load_average.1m').get('')!).toBeGreaterThanOrEqual(0)

    const fsUtil = values(second, 'system.filesystem.utilization', 'system.filesystem.state')
    expect(fsUtil.size).toBeGreaterThan(0)
    for (const v of fsUtil.values()) expect(v).toBeGreaterThanOrEqual(0), expect(v).toBeLessThanOrEqual(1)
    const fsUsage = values(second, 'system.filesystem.usage', 'system.filesystem.state')
    for (const v of fsUsage.values()) expect(v).toBeGreaterThanOrEqual(0)

    for (const name of ['system.cpu.time', 'system.network.io', 'system.disk.io', 'system.disk.operations']) {
      const before = values(first, name, 'x')
      const after = values(second, name, 'x')
      expect(after.size, name).toBeGreaterThan(0)
      for (const [key, v] of after) {
        expect(v, `${name} ${key}`).toBeGreaterThanOrEqual(before.get(key) ?? 0)
      }
    }
    const swap = values(second, 'system.paging.usage', 'system.paging.state')
    expect(swap.get('used')!).toBeGreaterThanOrEqual(0)
  })
})
