/**
 * Page objects of the UI for the e2e specs: navigation plus the few things each page is
 * asked about, located by data-testid only.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'

export const SCREENSHOT_DIR = join(import.meta.dirname, '..', 'screenshots')

export class PeriscopePage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async open(path: string, ready: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}${path}`, { waitUntil: 'domcontentloaded' })
    await this.page.getByTestId(ready).waitFor({ state: 'visible', timeout: 30_000 })
    await this.settled()
  }

  /** no loading placeholder left on the page */
  async settled(timeoutMs = 30_000): Promise<void> {
    await this.page.waitForFunction(() => document.querySelectorAll('[data-testid="state-loading"]').length === 0, undefined, { timeout: timeoutMs })
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true })
    const path = join(SCREENSHOT_DIR, `${name}.png`)
    await this.page.screenshot({ path, fullPage: true })
    return path
  }

  byTestId(id: string): Locator {
    return this.page.getByTestId(id)
  }
}

export class TracePage extends PeriscopePage {
  async openTrace(traceId: string): Promise<void> {
    await this.open(`/traces/${traceId}`, 'waterfall')
  }
  spanRows(): Locator {
    return this.byTestId('span-row')
  }
  async rowCount(): Promise<number> {
    return Number(await this.byTestId('waterfall').getAttribute('data-row-count'))
  }
  async hideInlineLogs(): Promise<void> {
    const toggle = this.byTestId('toggle-logs')
    if (await toggle.isChecked()) await toggle.uncheck()
  }
  async selectSpanByName(name: string): Promise<void> {
    await this.spanRows().filter({ has: this.page.getByTestId('span-name').getByText(name, { exact: true }) }).first().click()
    await this.byTestId('span-detail').waitFor({ state: 'visible' })
  }
}

export class LogsPage extends PeriscopePage {
  lines(): Locator {
    return this.byTestId('log-line')
  }
}
