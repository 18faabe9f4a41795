/**
 * End-to-end specs of the UI: real Chromium (Debian's package, via playwright-core) against
 * `next start` and the query API over a seeded embedded store (stack.ts). Screenshots of every
 * page go to ui/e2e/screenshots/ for a person to look at.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type Browser, type ConsoleProblem } from './browser.ts'
import { loadE2eConfig } from './config.ts'
import { LogsPage, PeriscopePage, TracePage } from './pages/periscope.ts'
import { BIG_TRACE, BIG_TRACE_SPANS, KNOWN_TRACE, KNOWN_TRACE_LOGS, KNOWN_TRACE_SPANS, SERVICES, XSS_ATTRIBUTE, XSS_LOG_BODY, XSS_MARK, XSS_SPAN_NAME } from './seed-data.ts'
import { startStack, type Stack } from './stack.ts'

/** Routes of issue #9 (SLOs, alerts) that may not be deployed yet: their 404 is a page state, not a console error. */
const PENDING_ROUTES = /\/api\/v1\/(slos|alert-rules|channels|alerts)(\/|\?|$)/

function unexpected(problems: readonly ConsoleProblem[]): ConsoleProblem[] {
  return problems.filter((p) => !(p.kind === 'console' && /status of 404/.test(p.text) && PENDING_ROUTES.test(p.url)))
}

let stack: Stack
let browser: Browser

beforeAll(async () => {
  stack = await startStack()
  browser = await launchBrowser(loadE2eConfig().chromiumPath)
  process.stdout.write(`ui e2e stack: seed ${stack.timings.seedMs} ms, next build ${stack.timings.buildMs === null ? 'cached' : `${stack.timings.buildMs} ms`}, start ${stack.timings.startMs} ms\n`)
}, 900_000)

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
}, 60_000)

describe('every page loads without console errors', () => {
  const pages: { name: string; path: () => string; ready: string; check?: (p: PeriscopePage) => Promise<void> }[] = [
    {
      name: 'services',
      path: () => '/',
      ready: 'services-table',
      check: async (p) => {
        for (const service of SERVICES) await expect(p.page.locator(`[data-testid="service-row"][data-service="${service}"]`).count()).resolves.toBe(1)
        // sparklines arrive after the table (one signals call per service)
        await p.page.locator('[data-testid="sparkline-rps"] polyline').nth(SERVICES.length - 1).waitFor({ timeout: 30_000 })
      },
    },
    {
      name: 'service-checkout',
      path: () => '/services/checkout',
      ready: 'chart-rps',
      check: async (p) => {
        await p.byTestId('operations-table').waitFor()
        await p.byTestId('saturation-panel').first().waitFor()
      },
    },
    { name: 'traces', path: () => '/traces?service=payment&status=error', ready: 'trace-results', check: async (p) => void (await p.byTestId('duration-scatter').waitFor()) },
    { name: 'trace-known', path: () => `/traces/${KNOWN_TRACE}`, ready: 'waterfall' },
    { name: 'logs', path: () => '/logs', ready: 'log-lines' },
    { name: 'dashboards-health', path: () => '/dashboards', ready: 'board' },
    { name: 'slos', path: () => '/slos', ready: 'page-slos' },
    { name: 'alerts', path: () => '/alerts', ready: 'page-alerts' },
  ]
  for (const spec of pages) {
    it(spec.name, async () => {
      const { page, problems } = await browser.newPage()
      try {
        const p = new PeriscopePage(page, stack.uiUrl)
        await p.open(spec.path(), spec.ready)
        await spec.check?.(p)
        await p.settled()
        await p.screenshot(spec.name)
        expect(unexpected(problems)).toEqual([])
      } finally {
        await page.close()
      }
    })
  }
})

describe('trace view', () => {
  it('shows one row per span of a known trace, and its logs inline', async () => {
    const { page, problems } = await browser.newPage()
    const p = new TracePage(page, stack.uiUrl)
    await p.openTrace(KNOWN_TRACE)
    expect(await p.rowCount()).toBe(KNOWN_TRACE_SPANS + KNOWN_TRACE_LOGS)
    await expect(p.byTestId('inline-log').count()).resolves.toBe(KNOWN_TRACE_LOGS)
    await p.hideInlineLogs()
    expect(await p.rowCount()).toBe(KNOWN_TRACE_SPANS)
    await expect(p.spanRows().count()).resolves.toBe(KNOWN_TRACE_SPANS)
    // the tree: root at depth 0, the four inventory children at depth 5
    await expect(p.spanRows().first().getAttribute('data-depth')).resolves.toBe('0')
    await expect(page.locator('[data-testid="span-row"][data-depth="5"]').count()).resolves.toBe(KNOWN_TRACE_SPANS - 8)
    // collapsing the root leaves one row
    await p.spanRows().first().getByTestId('span-toggle').click()
    await expect(p.spanRows().count()).resolves.toBe(1)
    await p.spanRows().first().getByTestId('span-toggle').click()
    await expect(p.byTestId('critical-segment').count()).resolves.toBeGreaterThan(0)
    await p.screenshot('trace-known-no-logs')
    page.close()
    expect(unexpected(problems)).toEqual([])
  })

  it('renders untrusted span attributes, names and log bodies as text only', async () => {
    const { page, problems } = await browser.newPage()
    const dialogs: string[] = []
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
    const p = new TracePage(page, stack.uiUrl)
    const response = await page.goto(`${stack.uiUrl}/traces/${KNOWN_TRACE}`)
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/)
    await p.byTestId('waterfall').waitFor()
    await p.settled()
    await p.selectSpanByName('POST /api/checkout')
    // the checkout SERVER span is the second "POST /api/checkout" row; pick the one whose detail has the payload
    const rows = p.spanRows().filter({ has: page.getByTestId('span-name').getByText('POST /api/checkout', { exact: true }) })
    await rows.nth(1).click()
    await expect(p.byTestId('span-attributes').innerText()).resolves.toContain(XSS_ATTRIBUTE)
    await p.selectSpanByName(XSS_SPAN_NAME)
    await expect(p.byTestId('span-detail-name').innerText()).resolves.toBe(XSS_SPAN_NAME)
    await expect(page.getByText(XSS_LOG_BODY, { exact: true }).count()).resolves.toBeGreaterThan(0)
    await p.screenshot('trace-xss')
    const executed = await page.evaluate((mark) => (window as unknown as Record<string, unknown>)[mark], XSS_MARK)
    expect(executed).toBeUndefined()
    expect(dialogs).toEqual([])
    await expect(page.locator('img[src="x"], svg[onload]').count()).resolves.toBe(0)
    page.close()
    expect(unexpected(problems)).toEqual([])
  })

  it(`keeps a ${BIG_TRACE_SPANS}-span trace virtualised and scrollable`, async () => {
    const { page, problems } = await browser.newPage()
    const p = new TracePage(page, stack.uiUrl)
    const started = Date.now()
    await p.openTrace(BIG_TRACE)
    const loadMs = Date.now() - started
    expect(await p.rowCount()).toBe(BIG_TRACE_SPANS)
    const rendered = await p.spanRows().count()
    expect(rendered).toBeLessThan(120)
    // scroll to the end: the last rows are rendered, the first are not
    const scrollStarted = Date.now()
    await p.byTestId('waterfall-body').evaluate((el) => {
      el.scrollTop = el.scrollHeight
    })
    await page.waitForFunction(() => {
      const rows = document.querySelectorAll('[data-testid="span-row"]')
      return rows.length > 0 && (rows[0] as HTMLElement).dataset.depth !== '0'
    })
    const scrollMs = Date.now() - scrollStarted
    expect(await p.spanRows().count()).toBeLessThan(120)
    process.stdout.write(`5,000-span trace: loaded and drawn in ${loadMs} ms, ${rendered} rows in the DOM, scroll to end redrawn in ${scrollMs} ms\n`)
    await p.screenshot('trace-big')
    page.close()
    expect(unexpected(problems)).toEqual([])
  })
})

describe('logs', () => {
  it('opens the trace of a clicked log line at its span', async () => {
    const { page, problems } = await browser.newPage()
    const p = new LogsPage(page, stack.uiUrl)
    await p.open('/logs?q=stock%20low', 'log-lines')
    const line = p.lines().filter({ hasText: 'stock low for sku 42' }).first()
    await expect(line.getAttribute('data-trace-id')).resolves.toBe(KNOWN_TRACE)
    await line.click()
    await page.waitForURL(new RegExp(`/traces/${KNOWN_TRACE}\\?span=[0-9a-f]{16}$`))
    const trace = new TracePage(page, stack.uiUrl)
    await trace.byTestId('waterfall').waitFor()
    await trace.byTestId('span-detail').waitFor()
    await expect(trace.byTestId('span-detail-name').innerText()).resolves.toBe('POST /reserve')
    await trace.screenshot('log-to-trace')
    page.close()
    expect(unexpected(problems)).toEqual([])
  })
})
