/**
 * The errors a bus reports inside a retryable SendOutcome, and the time bound every `send` keeps.
 * Callers branch on `outcome.status`, not on these classes; the classes name the cause in logs.
 */
import type { SendOutcome } from './bus.ts'

export class UnknownTopicError extends Error {
  override readonly name = 'UnknownTopicError'
}

export class BusClosedError extends Error {
  override readonly name = 'BusClosedError'
}

export class SendTimeoutError extends Error {
  override readonly name = 'SendTimeoutError'
}

/**
 * Resolves with `send`'s outcome, or retryable once `timeoutMs` passed. The send keeps running in
 * the background: a record may still land after the caller was told to retry, which at-least-once
 * delivery allows (the retry then duplicates it).
 */
export function withSendTimeout(send: Promise<SendOutcome>, timeoutMs: number): Promise<SendOutcome> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<SendOutcome>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: 'retryable', error: new SendTimeoutError(`the bus did not accept the records within ${timeoutMs} ms`) }),
      timeoutMs,
    )
  })
  return Promise.race([
    send.catch((error: unknown): SendOutcome => ({ status: 'retryable', error: error instanceof Error ? error : new Error(String(error)) })),
    timeout,
  ]).finally(() => clearTimeout(timer))
}
