/** Runs store-tool.ts in a child process (see there why) and returns its answer. */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { REPO_ROOT } from './service-process.ts'
import type { ProducerCounts, StoreToolRequest } from './store-tool.ts'
import { childBaseEnv } from './config.ts'

export type { ProducerCounts } from './store-tool.ts'

const run = promisify(execFile)
const TOOL = join(import.meta.dirname, 'store-tool.ts')

async function call<T>(request: StoreToolRequest): Promise<T> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', TOOL, JSON.stringify(request)], {
      cwd: REPO_ROOT,
      timeout: 120_000,
      maxBuffer: 16 << 20,
      env: childBaseEnv(),
    })
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '))
    if (!line) throw new Error(`store tool printed no result:\n${stdout.slice(-2000)}`)
    return JSON.parse(line.slice('RESULT '.length)) as T
  } catch (error) {
    const e = error as { stderr?: string; message: string }
    throw new Error(`store tool ${request.op} on ${request.path} failed: ${e.stderr ?? e.message}`, { cause: error })
  }
}

/** Migrates the store in `path` and gives each tenant the ingest key `key`. */
export async function prepareStore(path: string, tenants: Array<{ tenantId: string; key: string }>): Promise<void> {
  await call({ op: 'prepare', path, tenants })
}

/** Lost and duplicated items per producer of run `runId`, computed in SQL. */
export function countRun(path: string, runId: string, expected: Record<string, number>, table: 'spans' | 'logs' = 'spans'): Promise<ProducerCounts[]> {
  return call({ op: 'count', path, runId, expected, table })
}
