/**
 * One e2e stack per test process, shared by every spec file the process runs:
 * `ui.int.test.ts` imports ui.e2e.ts and xss.e2e.ts into one file, and they share one seed,
 * one query API and one `next build` instead of paying for each. The first beforeAll starts
 * the stack, the last afterAll stops it. Run alone (`npm run test:e2e`), each spec file is its
 * own process and so starts its own stack.
 */
import { afterAll, beforeAll } from 'vitest'
import { startStack, type Stack } from './stack.ts'

let pending: Promise<Stack> | undefined
let users = 0

/** Registers the hooks in the calling suite; the returned getter is valid inside its tests. */
export function useStack(): () => Stack {
  let stack: Stack | undefined
  beforeAll(async () => {
    users++
    pending ??= startStack()
    stack = await pending
  }, 900_000)
  afterAll(async () => {
    users--
    if (users > 0 || !pending) return
    const last = pending
    pending = undefined
    await last.then(
      (s) => s.stop(),
      () => undefined,
    )
  }, 60_000)
  return () => {
    if (!stack) throw new Error('the e2e stack is not running (did its beforeAll fail?)')
    return stack
  }
}
