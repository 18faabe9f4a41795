/**
 * Whether the UI needs `next build` before `next start`: when ui/.next/BUILD_ID is missing, or
 * older than any source the build reads (ui/src/**, the Next/TypeScript config, package.json).
 * A fresh clone therefore builds once; later starts reuse the build until the UI changes.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const CONFIG_FILES = ['next.config.ts', 'next.config.mjs', 'next.config.js', 'package.json', 'tsconfig.json']

export interface BuildDecision {
  needed: boolean
  reason: string
}

export function uiBuildNeeded(uiDir: string): BuildDecision {
  const buildId = join(uiDir, '.next', 'BUILD_ID')
  if (!existsSync(buildId)) return { needed: true, reason: 'no build yet' }
  const builtMs = statSync(buildId).mtimeMs
  const newer = newestSource(uiDir)
  if (newer && newer.mtimeMs > builtMs) return { needed: true, reason: `${newer.path} changed since the last build` }
  return { needed: false, reason: 'the build is current' }
}

function newestSource(uiDir: string): { path: string; mtimeMs: number } | undefined {
  let newest: { path: string; mtimeMs: number } | undefined
  const consider = (path: string): void => {
    const mtimeMs = statSync(path).mtimeMs
    if (!newest || mtimeMs > newest.mtimeMs) newest = { path, mtimeMs }
  }
  for (const file of CONFIG_FILES) {
    const path = join(uiDir, file)
    if (existsSync(path)) consider(path)
  }
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile()) consider(path)
    }
  }
  for (const dir of ['src', 'public', 'app']) {
    const path = join(uiDir, dir)
    if (existsSync(path)) walk(path)
  }
  return newest
}
