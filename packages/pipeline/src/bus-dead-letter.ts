/**
 * Dead letters: a record that can never be processed (it does not decode, or a row is rejected
 * for good) is published to `<topic>.dlq` with the reason and its origin in headers, so the batch
 * it came from can be committed without losing it.
 */
import { deadLetterTopic, HEADERS, type Bus, type ConsumedRecord, type SendOutcome } from './bus.ts'
import type { BusCounters } from './bus-deps.ts'

/** error messages are cut to this many characters in the header */
const MAX_ERROR_CHARS = 1_000

export interface DeadLetter {
  /** the topic and partition the record was consumed from */
  topic: string
  partition: number
  record: ConsumedRecord
  error: Error | string
  /** defaults to the record's tenant header */
  tenant?: string
}

export async function sendToDeadLetters(bus: Bus, letters: readonly DeadLetter[], counters?: BusCounters): Promise<SendOutcome> {
  if (letters.length === 0) return { status: 'success' }
  const byTopic = new Map<string, DeadLetter[]>()
  for (const letter of letters) {
    const list = byTopic.get(letter.topic) ?? []
    list.push(letter)
    byTopic.set(letter.topic, list)
  }
  for (const [topic, list] of byTopic) {
    const outcome = await bus.send(
      deadLetterTopic(topic),
      list.map((letter) => {
        const message = typeof letter.error === 'string' ? letter.error : letter.error.message
        return {
          key: letter.record.key,
          value: letter.record.value,
          headers: {
            ...letter.record.headers,
            [HEADERS.error]: message.slice(0, MAX_ERROR_CHARS),
            [HEADERS.tenant]: letter.tenant ?? letter.record.headers[HEADERS.tenant] ?? '',
            [HEADERS.sourceTopic]: topic,
            [HEADERS.sourcePartition]: String(letter.partition),
            [HEADERS.sourceOffset]: letter.record.offset,
          },
        }
      }),
    )
    if (outcome.status !== 'success') return outcome
    counters?.add('dead_letters', list.length)
  }
  return { status: 'success' }
}
