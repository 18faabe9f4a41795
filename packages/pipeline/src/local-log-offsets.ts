/**
 * Committed offsets of the local log's consumer groups, one JSON file per group:
 *   <dir>/groups/<encodeURIComponent(groupId)>.json
 *   {"groupId":"ingest","offsets":{"otlp.traces":{"0":1234,"1":99}}}
 * An offset is the next offset the group will read (Kafka's convention).
 *
 * Invariants: a file is replaced atomically (temp file + fsync + rename + directory fsync), so a
 * crash leaves the old or the new offsets, never a mix; `commit` resolves only once a write that
 * includes its offset is durable; commits to one group that arrive while a write is in flight
 * share the next write (group commit), so the number of writes does not grow with partitions.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from './local-log-fs.ts'

export interface OffsetStore {
  /** the committed offset, or null when the group never committed on the partition */
  committed(groupId: string, topic: string, partition: number): number | null
  commit(groupId: string, topic: string, partition: number, offset: number): Promise<void>
}

interface GroupOffsets {
  offsets: Map<string, Map<number, number>>
  version: number
  writtenVersion: number
  writing: Promise<void> | null
}

interface GroupFile {
  groupId: string
  offsets: Record<string, Record<string, number>>
}

export async function openOffsetStore(logDir: string): Promise<OffsetStore> {
  const dir = join(logDir, 'groups')
  await mkdir(dir, { recursive: true })
  const groups = new Map<string, GroupOffsets>()
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.json')) continue
    const file = JSON.parse(await readFile(join(dir, name), 'utf8')) as GroupFile
    const offsets = new Map<string, Map<number, number>>()
    for (const [topic, partitions] of Object.entries(file.offsets)) {
      offsets.set(topic, new Map(Object.entries(partitions).map(([p, o]) => [Number(p), o])))
    }
    groups.set(file.groupId, { offsets, version: 0, writtenVersion: 0, writing: null })
  }

  function group(groupId: string): GroupOffsets {
    let g = groups.get(groupId)
    if (!g) {
      g = { offsets: new Map(), version: 0, writtenVersion: 0, writing: null }
      groups.set(groupId, g)
    }
    return g
  }

  function serialise(groupId: string, g: GroupOffsets): string {
    const offsets: GroupFile['offsets'] = {}
    for (const [topic, partitions] of g.offsets) offsets[topic] = Object.fromEntries(partitions)
    return JSON.stringify({ groupId, offsets } satisfies GroupFile)
  }

  return {
    committed(groupId, topic, partition) {
      return groups.get(groupId)?.offsets.get(topic)?.get(partition) ?? null
    },
    async commit(groupId, topic, partition, offset) {
      const g = group(groupId)
      let partitions = g.offsets.get(topic)
      if (!partitions) g.offsets.set(topic, (partitions = new Map()))
      partitions.set(partition, offset)
      const wanted = ++g.version
      while (g.writtenVersion < wanted) {
        if (g.writing) {
          await g.writing.catch(() => undefined)
          continue
        }
        const version = g.version
        const path = join(dir, `${encodeURIComponent(groupId)}.json`)
        g.writing = writeFileAtomic(path, serialise(groupId, g), dir)
          .then(() => {
            g.writtenVersion = Math.max(g.writtenVersion, version)
          })
          .finally(() => {
            g.writing = null
          })
        await g.writing
      }
    },
  }
}
