/**
 * Parsers for the Linux /proc files host metrics come from. Pure functions of the file text, so
 * they are tested on captured samples; host-metrics.ts does the reading.
 *   /proc/stat       per-mode CPU time (USER_HZ ticks), procs_running, procs_blocked, btime
 *   /proc/meminfo    memory and swap, kB
 *   /proc/loadavg    1/5/15-minute load, runnable/total tasks
 *   /proc/diskstats  per-device reads/writes completed, sectors (always 512 bytes), io time ms
 *   /proc/net/dev    per-interface bytes, packets, errors, drops
 *   /proc/mounts     device, mount point and type of each mounted filesystem
 */

export const USER_HZ = 100
export const SECTOR_BYTES = 512
export const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const
export type CpuMode = (typeof CPU_MODES)[number]

export interface ProcStat {
  /** seconds per mode, summed over all CPUs (guest time is already inside user/nice) */
  cpuSeconds: Record<CpuMode, number>
  logicalCpus: number
  procsRunning: number
  procsBlocked: number
  bootTimeSeconds: number
}

export function parseProcStat(text: string): ProcStat {
  const cpuSeconds = Object.fromEntries(CPU_MODES.map((m) => [m, 0])) as Record<CpuMode, number>
  let logicalCpus = 0
  let procsRunning = 0
  let procsBlocked = 0
  let bootTimeSeconds = 0
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/)
    const head = fields[0]
    if (head === 'cpu') {
      CPU_MODES.forEach((mode, i) => (cpuSeconds[mode] = Number(fields[i + 1] ?? 0) / USER_HZ))
    } else if (head && /^cpu\d+$/.test(head)) {
      logicalCpus++
    } else if (head === 'procs_running') {
      procsRunning = Number(fields[1])
    } else if (head === 'procs_blocked') {
      procsBlocked = Number(fields[1])
    } else if (head === 'btime') {
      bootTimeSeconds = Number(fields[1])
    }
  }
  return { cpuSeconds, logicalCpus, procsRunning, procsBlocked, bootTimeSeconds }
}

export interface MemInfo {
  totalBytes: number
  freeBytes: number
  availableBytes: number
  buffersBytes: number
  cachedBytes: number
  swapTotalBytes: number
  swapFreeBytes: number
}

export function parseMeminfo(text: string): MemInfo {
  const kb = new Map<string, number>()
  for (const line of text.split('\n')) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)/.exec(line)
    if (m) kb.set(m[1]!, Number(m[2]) * 1024)
  }
  const get = (key: string) => kb.get(key) ?? 0
  return {
    totalBytes: get('MemTotal'),
    freeBytes: get('MemFree'),
    availableBytes: kb.get('MemAvailable') ?? get('MemFree') + get('Buffers') + get('Cached'),
    buffersBytes: get('Buffers'),
    cachedBytes: get('Cached') + get('SReclaimable'),
    swapTotalBytes: get('SwapTotal'),
    swapFreeBytes: get('SwapFree'),
  }
}

export interface LoadAvg {
  load1: number
  load5: number
  load15: number
}

export function parseLoadavg(text: string): LoadAvg {
  const [load1, load5, load15] = text.trim().split(/\s+/).map(Number)
  return { load1: load1 ?? 0, load5: load5 ?? 0, load15: load15 ?? 0 }
}

export interface DiskStats {
  device: string
  readsCompleted: number
  readBytes: number
  writesCompleted: number
  writeBytes: number
  ioTimeSeconds: number
}

/** Whole disks and their partitions, without loop, ram and floppy devices. */
export function parseDiskstats(text: string): DiskStats[] {
  const out: DiskStats[] = []
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/)
    if (f.length < 14) continue
    const device = f[2]!
    if (/^(loop|ram|fd|zram)\d*/.test(device)) continue
    out.push({
      device,
      readsCompleted: Number(f[3]),
      readBytes: Number(f[5]) * SECTOR_BYTES,
      writesCompleted: Number(f[7]),
      writeBytes: Number(f[9]) * SECTOR_BYTES,
      ioTimeSeconds: Number(f[12]) / 1000,
    })
  }
  return out
}

export interface NetDevStats {
  device: string
  receiveBytes: number
  receivePackets: number
  receiveErrors: number
  receiveDropped: number
  transmitBytes: number
  transmitPackets: number
  transmitErrors: number
  transmitDropped: number
}

export function parseNetDev(text: string): NetDevStats[] {
  const out: NetDevStats[] = []
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon === -1 || line.includes('|')) continue
    const device = line.slice(0, colon).trim()
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number)
    if (f.length < 16) continue
    out.push({
      device,
      receiveBytes: f[0]!,
      receivePackets: f[1]!,
      receiveErrors: f[2]!,
      receiveDropped: f[3]!,
      transmitBytes: f[8]!,
      transmitPackets: f[9]!,
      transmitErrors: f[10]!,
      transmitDropped: f[11]!,
    })
  }
  return out
}

export interface MountEntry {
  device: string
  mountpoint: string
  type: string
}

/** Filesystem types that hold no user data (kernel interfaces, memory-backed scratch). */
export const PSEUDO_FILESYSTEMS = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'tmpfs', 'cgroup', 'cgroup2', 'securityfs', 'pstore', 'bpf', 'tracefs', 'debugfs',
  'mqueue', 'hugetlbfs', 'fusectl', 'configfs', 'autofs', 'binfmt_misc', 'rpc_pipefs', 'nsfs', 'ramfs', 'efivarfs', 'selinuxfs', 'squashfs',
])

export function parseMounts(text: string): MountEntry[] {
  const out: MountEntry[] = []
  const seen = new Set<string>()
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/)
    if (f.length < 3) continue
    const [device, rawMountpoint, type] = f as [string, string, string]
    if (PSEUDO_FILESYSTEMS.has(type)) continue
    // /proc/mounts escapes spaces and tabs as octal
    const mountpoint = rawMountpoint.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))
    if (seen.has(mountpoint)) continue
    seen.add(mountpoint)
    out.push({ device, mountpoint, type })
  }
  return out
}
