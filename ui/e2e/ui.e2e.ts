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
import { SEEDED_CHANNEL_NAME, SEEDED_RULE_NAME, SEEDED_SLO } from './alerting-seed.ts'
import { useStack } from './shared-stack.ts'
import type { Stack } from './stack.ts'

/** Console errors and uncaught exceptions: a spec passes only with none. */
function unexpected(problems: readonly ConsoleProblem[]): ConsoleProblem[] {
  return [...problems]
}

const sharedStack = useStack()
let stack: Stack
let browser: Browser

beforeAll(async () => {
  stack = sharedStack()
  browser = await launchBrowser(loadE2eConfig().chromiumPath)
  process.stdout.write(`ui e2e stack: seed ${stack.timings.seedMs} ms, next build ${stack.timings.buildMs === null ? 'cached' : `${stack.timings.buildMs} ms`}, start ${stack.timings.startMs} ms\n`)
}, 60_000)

afterAll(async () => {
  await browser?.close()
}, 60_000)

describe('every page loads without console errors', () => {
  const pages: { name: string; path: () => string; ready: string; check?: (p: PeriscopePage) => Promise<void> }[] = [
    {
      name: 'services',
      path: () => '/',
      ready: 'services-table',
      check: async (p) => {
        for (const service of SERVICES) await expect(p.page.locator(`[data-testid="service-row"][data-service="${service}"]`).count()).resolves.toBe(1)
        // sparklines and budgets arrive after the table (one signals call per service, SLO statuses)
        await p.page.locator('[data-testid="sparkline-rps"] polyline').nth(SERVICES.length - 1).waitFor({ timeout: 30_000 })
        // the seeded checkout SLO's budget, as GET /slos/:id/status answers it
        await p.page.locator('[data-testid="service-row"][data-service="checkout"] [data-testid="slo-budget-left"]').filter({ hasText: /%/ }).waitFor({ timeout: 30_000 })
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
    { name: 'slos', path: () => '/slos', ready: 'slo-card', check: async (p) => void (await p.byTestId('burn-down').locator('.recharts-line').first().waitFor()) },
    { name: 'alerts', path: () => '/alerts', ready: 'alert-rules' },
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
    // dragging over the second half of the minimap zooms the waterfall to it
    const box = (await p.byTestId('minimap').boundingBox())!
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width * 0.99, box.y + box.height / 2, { steps: 5 })
    await page.mouse.up()
    await p.byTestId('reset-zoom').waitFor()
    const firstTick = await p.byTestId('ticks').locator('.tick').first().innerText()
    expect(firstTick).not.toBe('0ns')
    await p.screenshot('trace-known-zoomed')
    await p.byTestId('reset-zoom').click()
    await expect(p.byTestId('ticks').locator('.tick').first().innerText()).resolves.toBe('0ns')
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

describe('service page', () => {
  it('opens the traces of the time bucket of a clicked chart point', async () => {
    const { page, problems } = await browser.newPage()
    const p = new PeriscopePage(page, stack.uiUrl)
    await p.open('/services/checkout', 'chart-rps')
    const chart = p.byTestId('chart-rps').locator('.recharts-surface')
    const box = (await chart.boundingBox())!
    // a point in the last quarter of the hour, where the seed has requests
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2)
    await page.mouse.click(box.x + box.width * 0.8, box.y + box.height / 2)
    await page.waitForURL(/\/traces\?service=checkout&from=\d+&to=\d+$/)
    const url = new URL(page.url())
    const stepMs = Number(url.searchParams.get('to')) - Number(url.searchParams.get('from'))
    expect(stepMs).toBe(60_000)
    await p.byTestId('page-traces').waitFor()
    await p.settled()
    page.close()
    expect(unexpected(problems)).toEqual([])
  })
})

describe('dashboards', () => {
  it('creates a board, adds a golden-signal panel and saves it through the query API', async () => {
    const { page, problems } = await browser.newPage()
    const p = new PeriscopePage(page, stack.uiUrl)
    await p.open('/dashboards', 'board')
    const name = `e2e board ${Date.now()}`
    await p.byTestId('board-new-name').fill(name)
    await p.byTestId('board-create').click()
    await page.waitForURL(/board=[0-9a-f-]{36}/)
    await p.byTestId('board-edit').click()
    await p.byTestId('panel-new').click()
    await p.byTestId('panel-service').selectOption('payment')
    await p.byTestId('panel-signal').selectOption('p99Ms')
    await p.byTestId('panel-add').click()
    await p.byTestId('board-save').click()
    await expect(p.byTestId('board-message').innerText()).resolves.toBe('Saved.')
    await page.reload()
    await p.byTestId('board-panel').first().waitFor()
    await expect(p.byTestId('board-panel').count()).resolves.toBe(1)
    await expect(p.byTestId('board-panel').first().innerText()).resolves.toContain('payment p99 latency')
    await expect(p.byTestId('board-tab').filter({ hasText: name }).count()).resolves.toBe(1)
    await p.settled()
    await p.screenshot('dashboards-saved')
    // stored in the query API, not only in the browser
    const listed = await fetch(`${stack.apiUrl}/api/v1/dashboards`, { headers: { authorization: `Bearer ${stack.token}` } }).then((r) => r.json() as Promise<{ dashboards: { name: string; panelCount: number }[] }>)
    expect(listed.dashboards.find((d) => d.name === name)?.panelCount).toBe(1)
    page.close()
    expect(unexpected(problems)).toEqual([])
  })
})

describe('UI server', () => {
  it('keeps the token on the server and passes only the UI’s areas, writes only as same-origin JSON', async () => {
    const html = await fetch(`${stack.uiUrl}/services/checkout`).then((r) => r.text())
    expect(html).not.toContain(stack.token)
    expect((await fetch(`${stack.uiUrl}/api/v1/tokens`)).status).toBe(404)
    expect((await fetch(`${stack.uiUrl}/api/v1/services`)).status).toBe(200)
    const form = await fetch(`${stack.uiUrl}/api/v1/dashboards`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"name":"x","panels":[]}' })
    expect(form.status).toBe(403)
    const crossSite = await fetch(`${stack.uiUrl}/api/v1/dashboards`, { method: 'POST', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }, body: '{"name":"x","panels":[]}' })
    expect(crossSite.status).toBe(403)
  })
})

describe('SLOs and alerts (seeded through the query API)', () => {
  it('shows the SLO status from the API and creates a suggested SLO', async () => {
    const { page, problems } = await browser.newPage()
    const p = new PeriscopePage(page, stack.uiUrl)
    await p.open('/slos', 'slo-card')
    const card = page.locator(`[data-testid="slo-card"][data-slo="${SEEDED_SLO.name}"]`)
    await card.locator('[data-testid="slo-budget"]').waitFor()
    // the card shows what GET /slos/:id/status answers
    const status = (await (await fetch(`${stack.apiUrl}/api/v1/slos/${stack.alerting.slo.id}/status`, { headers: { authorization: `Bearer ${stack.token}` } })).json()) as { burnRates: Record<string, number>; requests: { total: number } }
    expect(status.requests.total).toBeGreaterThan(0)
    await expect(card.locator('[data-testid="slo-burn-rates"]').innerText()).resolves.toContain(status.burnRates['1h']!.toFixed(2))
    await expect(card.locator('[data-testid="slo-exhaustion"]').innerText()).resolves.toMatch(/\S/)
    await card.locator('[data-testid="burn-down"] .recharts-line').first().waitFor()
    await p.byTestId('slo-suggestions').waitFor()
    const before = (await p.byTestId('slo-card').count())
    await p.byTestId('slo-create').first().click()
    await expect(p.byTestId('slo-message').innerText()).resolves.toContain('Created')
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="slo-card"]').length > n, before, { timeout: 15_000 })
    page.close()
    expect(unexpected(problems)).toEqual([])
  })

  it('lists the alert rules and channels, and test-sends to the channel', async () => {
    const { page, problems } = await browser.newPage()
    const p = new PeriscopePage(page, stack.uiUrl)
    await p.open('/alerts', 'alert-rules')
    await expect(p.byTestId('alert-rules').locator('tbody tr').count()).resolves.toBe(1)
    const rule = await p.byTestId('alert-rules').innerText()
    expect(rule).toContain(SEEDED_RULE_NAME)
    expect(rule).toContain(`SLO ${SEEDED_SLO.name} burn rate`)
    expect(rule).toContain(SEEDED_CHANNEL_NAME)
    await expect(p.byTestId('channels').innerText()).resolves.toContain(SEEDED_CHANNEL_NAME)
    const received = stack.receiver.received.length
    await p.byTestId('channel-test').click()
    await page.getByText('sent ✓').waitFor()
    expect(stack.receiver.received.length).toBe(received + 1)
    page.close()
    expect(unexpected(problems)).toEqual([])
  })
})

describe('time range', () => {
  it('keeps the range and auto-refresh in the URL and carries them across pages', async () => {
    const { page, problems } = await browser.newPage()
    const p = new PeriscopePage(page, stack.uiUrl)
    await p.open('/', 'services-table')
    await p.byTestId('time-range-button').click()
    await p.byTestId('preset-now-15m').click()
    await page.waitForURL(/[?&]from=now-15m&to=now/)
    await p.byTestId('refresh-select').selectOption('10s')
    await page.waitForURL(/refresh=10s/)
    await p.byTestId('nav-traces').click()
    await page.waitForURL(/\/traces\?from=now-15m&to=now&refresh=10s$/)
    await expect(p.byTestId('time-range-button').innerText()).resolves.toContain('Last 15 minutes')
    await p.byTestId('page-traces').waitFor()
    await p.settled()
    page.close()
    expect(unexpected(problems)).toEqual([])
  })
})
