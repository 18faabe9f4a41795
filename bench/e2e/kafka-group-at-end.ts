/**
 * Benchmarks on the shared Kafka broker: a new consumer group starts at the topics' beginning
 * (the bus subscribes fromBeginning), so it would first read every record that tests and earlier
 * runs left there — minutes of catch-up that ate bench:ingest's budget. A benchmark's groups are
 * its own (named per run), so they are set to the topics' current end before they first join:
 * they read only what the run produces. kafkajs's admin client, as the bus itself uses it.
 */
import { Kafka, logLevel } from 'kafkajs'

/**
 * Commits, for every group, the current end offset of every partition of `topics` (which must
 * exist). A broker that just started may still be electing leaders: retried until `timeoutMs`.
 */
export async function startGroupsAtEnd(brokers: readonly string[], groupIds: readonly string[], topics: readonly string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  const admin = new Kafka({ clientId: 'periscope-bench-offsets', brokers: [...brokers], logLevel: logLevel.NOTHING }).admin()
  try {
    for (;;) {
      try {
        await admin.connect()
        for (const topic of topics) {
          const ends = await admin.fetchTopicOffsets(topic)
          for (const groupId of groupIds) {
            // setOffsets needs a group without members: called before the group's consumers start
            await admin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) })
          }
        }
        return
      } catch (error) {
        if (Date.now() > deadline) throw new Error('could not start the benchmark groups at the topics\' end', { cause: error })
        await new Promise((r) => setTimeout(r, 500))
      }
    }
  } finally {
    await admin.disconnect()
  }
}
