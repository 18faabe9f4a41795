/**
 * Debian's Chromium driven by playwright-core: headless, no sandbox (CI runs as root), no
 * background traffic, a fresh profile per run. Every page records console errors and
 * uncaught exceptions so a spec can require a clean console.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']

export interface ConsoleProblem {
  kind: 'console' | 'pageerror'
  text: string
  url: string
}

export interface Browser {
  context: BrowserContext
  newPage(): Promise<{ page: Page; problems: ConsoleProblem[] }>
  close(): Promise<void>
}

export interface LaunchOptions {
  /** ignore the pages' Content-Security-Policy: the XSS specs check that rendering alone is inert */
  bypassCsp?: boolean
  viewport?: { width: number; height: number }
}

export async function launchBrowser(executablePath: string, options: LaunchOptions = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'periscope-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1440, height: 900 },
    timezoneId: 'UTC',
    bypassCSP: options.bypassCsp ?? false,
  })
  return {
    context,
    async newPage() {
      const page = await context.newPage()
      const problems: ConsoleProblem[] = []
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push({ kind: 'console', text: msg.text(), url: msg.location().url })
      })
      page.on('pageerror', (error) => problems.push({ kind: 'pageerror', text: String(error), url: page.url() }))
      return { page, problems }
    },
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}
