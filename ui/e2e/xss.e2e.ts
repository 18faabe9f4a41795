/**
 * Issue #13: XSS strings in service names, span names, log bodies, attribute keys and values,
 * metric names and labels, dashboard, panel, SLO, rule and channel names are inert in every
 * view of the UI. The hostile tenant (xss-seed-data.ts, xss-api-seed.ts) is served by its own
 * `next start`; Chromium runs with the pages' CSP bypassed, so what is checked is the
 * rendering itself, not the policy that would also stop it. Per view:
 *
 * - positive: the payloads the view shows are there as rendered text (exact strings);
 * - inert: no sentinel call (`window.__xss`), no dialog, no DOM audit finding (xss-audit.ts),
 *   no console error or uncaught exception.
 *
 * The first spec is the canary: every payload, put in the context it targets, does call the
 * sentinel or leave what the audit reports — so a view that rendered markup could not pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type Browser } from './browser.ts'
import { loadE2eConfig } from './config.ts'
import { PeriscopePage } from './pages/periscope.ts'
import { useStack } from './shared-stack.ts'
import { installXssAudit, type AuditedPage, type XssAudit } from './xss-audit.ts'
import { METRIC_PANEL_PAYLOADS, seedXssThroughApi, TEXT_PANEL, triples, type XssApiSeed } from './xss-api-seed.ts'
import { SHORT_PAYLOADS, XSS_PAYLOADS, type XssContext, type XssPayload } from './xss-payloads.ts'
import { BUSY_SERVICE, nextShort, XSS_BACKEND, XSS_TRACE } from './xss-seed-data.ts'

const SHORT = SHORT_PAYLOADS.map((p) => p.text)
const ALL = XSS_PAYLOADS.map((p) => p.text)
/** the views of the hostile tenant's recent data (its busy service's traffic is older) */
const RECENT = 'from=now-30m&to=now'
/**
 * Service pages visited (each costs a page load): between them their names hold every
 * character URL building and route params could get wrong (URL_SPECIAL, and non-ASCII).
 * Every other view shows every service name.
 */
const SERVICE_PAGES = ['script tag', 'double-quote attribute break', 'single-quote attribute break', 'javascript: URL', 'template literal', 'URL-encoded markup', 'RTL override and zero-width', 'JS string break', 'markdown javascript: link', 'data: URL', 'numeric HTML entities']
const URL_SPECIAL = [...'/<>"\':%\\${}[](),;=&#? ']

/** canary contexts that are markup in a served page; the others are run in a page's script */
const SERVED: XssContext[] = ['html', 'attribute', 'entities', 'url-encoded']

/** the canary page's markup for a served payload */
function served(payload: XssPayload): string {
  switch (payload.context) {
    case 'attribute': return `<div title="${payload.text}">x</div>`
    case 'entities': return payload.text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    case 'url-encoded': return decodeURIComponent(payload.text)
    default: return payload.text
  }
}

/**
 * Served payloads this browser does not run by itself: they wait for a click or focus, or
 * Chromium refuses them (javascript: in object data, base href, meta refresh; the MathML
 * style). The DOM audit reports them all the same; every other served payload runs.
 */
const INERT_UNTIL_USED = ['event attribute injection', 'anchor with javascript: href', 'entity-obfuscated javascript: href', 'math/style mutation XSS', 'object data', 'form button formaction', 'base href', 'meta refresh']

/** a payload's text in a failure message: which payload, not 10 KiB of it */
function label(text: string): string {
  const exact = XSS_PAYLOADS.find((p) => p.text === text)
  if (exact) return `#${exact.id} ${exact.name}`
  const inside = XSS_PAYLOADS.filter((p) => text.includes(p.text)).map((p) => `#${p.id}`)
  return inside.length ? `text with ${inside.join(', ')}` : JSON.stringify(text.slice(0, 80))
}

describe('untrusted strings are inert in every view (issue #13)', () => {
  const sharedStack = useStack()
  let uiUrl: string
  let seed: XssApiSeed
  let browser: Browser
  let audit: XssAudit

  beforeAll(async () => {
    const stack = sharedStack()
    const [url, written] = await Promise.all([stack.startUi(stack.xssToken), seedXssThroughApi(stack.apiUrl, stack.xssToken, stack.receiver.url)])
    uiUrl = url
    seed = written
    browser = await launchBrowser(loadE2eConfig().chromiumPath, { bypassCsp: true, viewport: { width: 1440, height: 2400 } })
    audit = await installXssAudit(browser)
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
  }, 60_000)

  const open = async (path: string, ready: string): Promise<{ a: AuditedPage; p: PeriscopePage }> => {
    const a = await audit.newPage()
    const p = new PeriscopePage(a.page, uiUrl)
    await p.open(path, ready)
    return { a, p }
  }

  /** every text is (or, within a few seconds, becomes) rendered text under the selector */
  const expectShown = async (a: AuditedPage, selector: string | null, texts: readonly string[]) => {
    await expect.poll(async () => (await audit.missingText(a.page, selector, texts)).map(label), { timeout: 10_000, message: `not shown as text under ${selector ?? 'body'}` }).toEqual([])
  }

  /** nothing ran, nothing was injected, nothing broke; closes the page */
  const expectInert = async (a: AuditedPage, options: { consoleErrors?: boolean } = {}) => {
    const findings = await audit.findings(a.page)
    await a.page.close()
    expect(audit.sentinelCalls(a.page).map((id) => label(XSS_PAYLOADS[id - 1]?.text ?? String(id))), 'sentinel calls').toEqual([])
    expect(a.dialogs, 'dialogs').toEqual([])
    expect(findings, 'DOM audit').toEqual([])
    if (options.consoleErrors !== false) expect(a.problems, 'console errors').toEqual([])
  }

  /** exact text nodes equal to `text` under the selector */
  const countExact = (a: AuditedPage, selector: string, text: string) =>
    a.page.evaluate(([s, t]) => {
      const scope = document.querySelector(s)
      if (!scope) return -1
      const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT)
      let n = 0
      for (let node = walker.nextNode(); node; node = walker.nextNode()) if ((node as Text).data === t) n++
      return n
    }, [selector, text] as const)

  it(`the canary: each of the ${XSS_PAYLOADS.length} payloads runs or leaves a trace the audit reports, in the context it targets`, async () => {
    // pages of our own (no CSP, no React): a payload served in a document's HTML as a server
    // that did not escape it (or decoded it once more) would; or a blank page where the
    // payload is put through its context
    await browser.context.route('http://xss-canary.test/**', (route) => {
      const url = new URL(route.request().url())
      const payload = XSS_PAYLOADS[Number(url.searchParams.get('payload')) - 1]
      const body = payload ? served(payload) : ''
      return route.fulfill({ status: 200, contentType: 'text/html', body: `<!doctype html><html><head><title>canary</title></head><body><div id="root">${body}</div></body></html>` })
    })
    const a = await audit.newPage()
    const fired = (id: number) => audit.sentinelCalls(a.page).includes(id)
    const expectSentinel = (id: number) => expect.poll(() => fired(id), { timeout: 5_000, message: `sentinel ${id}` }).toBe(true)
    for (const payload of XSS_PAYLOADS) {
      if (SERVED.includes(payload.context)) {
        await a.page.goto(`http://xss-canary.test/?payload=${payload.id}`)
        const findings = await audit.findings(a.page)
        expect(findings.length, `#${payload.id} ${payload.name}: audit findings`).toBeGreaterThan(0)
        if (!INERT_UNTIL_USED.includes(payload.name)) await expectSentinel(payload.id)
        continue
      }
      await a.page.goto('http://xss-canary.test/')
      await a.page.evaluate(([context, text]) => {
        const follow = (url: string) => {
          const link = document.createElement('a')
          link.href = url
          document.body.append(link)
          link.click()
        }
        const run = (source: string) => new Function(source)() as unknown
        switch (context) {
          case 'url': follow(text); break
          case 'markdown': follow(/\]\((.*)\)$/.exec(text)![1]!); break
          case 'template': run(`return (${text.slice(2, -2)})`); break
          case 'template-literal': run('return `' + text + '`'); break
          case 'js-string': run(`const s = "${text.replace(/"/g, '\\"')}"; return s`); break
        }
      }, [payload.context, payload.text] as const)
      await expectSentinel(payload.id)
    }
    expect(a.dialogs).toContain(`xss-${XSS_PAYLOADS.find((p) => p.name === 'alert dialog')!.id}`)
    process.stdout.write(`xss canary: ${new Set(audit.sentinelCalls(a.page)).size} of ${XSS_PAYLOADS.length} payloads ran in their context; every served one left audit findings\n`)
    await a.page.close()
  })

  it('services overview: every hostile service name, with its sparklines and budgets', async () => {
    const { a, p } = await open(`/?${RECENT}`, 'services-table')
    await a.page.waitForLoadState('networkidle')
    await p.settled()
    await expectShown(a, '[data-testid="services-table"]', [...SHORT, XSS_BACKEND])
    // sorting by name re-renders every row
    await p.byTestId('sort-name').click()
    await expectShown(a, '[data-testid="services-table"]', SHORT)
    await expectInert(a)
  })

  it('service pages: name, operations, hosts and pods, charts — for names with every character URLs treat specially', async () => {
    const a = await audit.newPage()
    const p = new PeriscopePage(a.page, uiUrl)
    const findings: string[] = []
    const pages = SERVICE_PAGES.map((name) => SHORT_PAYLOADS.findIndex((s) => s.name === name))
    expect(pages).not.toContain(-1)
    const names = pages.map((i) => SHORT[i]!).join('')
    expect(URL_SPECIAL.filter((c) => !names.includes(c)), 'characters no visited service name has').toEqual([])
    expect(names).toMatch(/[^\x00-\x7f]/)
    for (const i of pages) {
      const service = SHORT_PAYLOADS[i]!
      await p.open(`/services/${encodeURIComponent(service.text)}?${RECENT}`, 'operations-table')
      await p.byTestId('saturation-strip').waitFor()
      await p.settled()
      await expectShown(a, '[data-testid="page-service"] h1', [service.text])
      await expectShown(a, '[data-testid="operations-table"]', [nextShort(i).text])
      await expectShown(a, '[data-testid="saturation-strip"]', [service.text])
      findings.push(...(await audit.findings(a.page)).map((f) => `${label(service.text)}: ${f}`))
    }
    expect(findings).toEqual([])
    await expectInert(a)
  })

  it('trace search: results and the duration scatter; a search by hostile service and operation', async () => {
    const { a, p } = await open(`/traces?${RECENT}`, 'trace-results')
    await p.byTestId('duration-scatter').waitFor()
    await expectShown(a, '[data-testid="trace-results"]', [...SHORT, XSS_BACKEND])
    await expectInert(a)

    const i = 3
    const query = new URLSearchParams({ from: 'now-30m', to: 'now', service: SHORT[i]!, operation: nextShort(i).text })
    const search = await open(`/traces?${query.toString()}`, 'trace-results')
    await expect(search.p.byTestId('trace-result').count()).resolves.toBe(1)
    await expectShown(search.a, '[data-testid="trace-results"]', [SHORT[i]!, nextShort(i).text])
    await expect(search.p.byTestId('search-operation').inputValue()).resolves.toBe(nextShort(i).text)
    await expectInert(search.a)
  })

  it('trace view: waterfall, inline logs and every span’s details (attributes, events, links, logs)', async () => {
    const { a, p } = await open(`/traces/${XSS_TRACE}`, 'waterfall')
    await expect(p.byTestId('waterfall').getAttribute('data-row-count')).resolves.toBe(String(2 * XSS_PAYLOADS.length + 1))
    // the tall viewport renders every row: names and log bodies, exactly, in start order
    await expect(a.page.locator('[data-testid="span-name"]').evaluateAll((els) => els.map((e) => e.textContent))).resolves.toEqual(['GET /xss', ...ALL])
    await expect(a.page.locator('[data-testid="inline-log"] .log-body').evaluateAll((els) => els.map((e) => e.textContent))).resolves.toEqual(ALL)
    await expectShown(a, '[data-testid="waterfall"]', ALL)
    await expectShown(a, '[data-testid="trace-title"] + .trace-header', SHORT)
    for (const payload of XSS_PAYLOADS) {
      await p.byTestId('span-row').nth(payload.id).click()
      await expect(p.byTestId('span-detail-name').textContent()).resolves.toBe(payload.text)
      // name, attribute key and value, event name and its attribute, link span id and attribute, log body
      expect(await countExact(a, '[data-testid="span-detail"]', payload.text), `#${payload.id} in the span detail`).toBeGreaterThanOrEqual(10)
      // a link whose ids are not hex is text, not a link into the app with a path made of the payload
      await expect(p.byTestId('span-detail').locator('[data-testid="link-not-a-trace"]').textContent()).resolves.toBe(payload.text)
      await expectShown(a, '[data-testid="span-attributes"]', [payload.text, String(payload.id)])
    }
    await expectInert(a)
  })

  it('log search: bodies, services and severities; a search with hostile words and service', async () => {
    const { a, p } = await open(`/logs?${RECENT}`, 'log-lines')
    const bodies = await p.byTestId('log-body').evaluateAll((els) => els.map((e) => e.textContent ?? ''))
    expect([...bodies].sort()).toEqual([...SHORT, ...ALL].sort())
    await expectShown(a, '[data-testid="log-lines"]', [...ALL, ...SHORT_PAYLOADS.map((_, i) => nextShort(i).text)])
    await expectInert(a)

    const query = new URLSearchParams({ from: 'now-30m', to: 'now', service: SHORT[5]!, q: SHORT[5]! })
    const search = await open(`/logs?${query.toString()}`, 'page-logs')
    await search.p.settled()
    await expect(search.p.byTestId('logs-q').inputValue()).resolves.toBe(SHORT[5])
    await expect(search.p.byTestId('logs-service').inputValue()).resolves.toBe(SHORT[5])
    await expectInert(search.a)
  })

  it('dashboards: board names, panel titles, text, services, operations, traces and log panels', async () => {
    const { a, p } = await open(`/dashboards?board=${seed.namesBoard.id}&from=now-1h&to=now`, 'board')
    await a.page.waitForLoadState('networkidle')
    await p.settled()
    await expectShown(a, '[data-testid="board-tabs"]', SHORT)
    await expectShown(a, '[data-testid="board"]', [...triples().slice(0, 6).map((t) => t[0]), TEXT_PANEL, ...SHORT, nextShort(0).text, BUSY_SERVICE])
    // the panel editor lists hostile metric and service names; a hostile title is added
    await p.byTestId('board-edit').click()
    await p.byTestId('panel-new').click()
    await p.byTestId('panel-kind').selectOption('metric')
    await a.page.waitForFunction((n) => document.querySelectorAll('#metric-names option').length >= n, SHORT.length)
    await p.byTestId('panel-title').fill(SHORT[7]!)
    await p.byTestId('panel-metric').fill(SHORT[8]!)
    await p.byTestId('panel-add').click()
    await expectShown(a, '[data-testid="board"]', [SHORT[7]!])
    await a.page.getByRole('button', { name: 'Discard changes' }).click()
    await expectInert(a)
  })

  it('dashboards: metric panels of hostile metric names, grouped by a hostile label (legend and tooltip)', async () => {
    const { a, p } = await open(`/dashboards?board=${seed.metricsBoard.id}&from=now-1h&to=now`, 'board')
    await a.page.waitForLoadState('networkidle')
    await p.settled()
    const legends = METRIC_PANEL_PAYLOADS.flatMap((m) => {
      const i = SHORT_PAYLOADS.indexOf(m)
      return [`${m.text}=${m.text}`, `${m.text}=${nextShort(i).text}`]
    })
    await expectShown(a, '[data-testid="board"]', [...METRIC_PANEL_PAYLOADS.map((m) => m.text), ...legends])
    const chart = p.byTestId('board-panel').first().locator('svg.recharts-surface[role="application"]')
    const box = (await chart.boundingBox())!
    await a.page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2)
    await a.page.locator('.recharts-tooltip-wrapper').first().filter({ hasText: '=' }).waitFor()
    await expectShown(a, '.recharts-tooltip-wrapper', [legends[0]!])
    await expectInert(a)
  })

  it('SLOs: names, services and operations of every SLO, and the suggestion for the hostile service', async () => {
    const { a, p } = await open('/slos', 'slo-suggestions')
    await p.settled()
    await expect(p.byTestId('slo-card').count()).resolves.toBe(seed.slos.length)
    await expectShown(a, '[data-testid="page-slos"] .grid-2', SHORT)
    await expectShown(a, '[data-testid="slo-suggestions"]', [BUSY_SERVICE])
    await expectInert(a)
  })

  it('alerts: history, rules (names, watched services and operations, SLO names, channels) and channels', async () => {
    const { a, p } = await open('/alerts', 'alert-rules')
    await p.byTestId('alerts-history').waitFor()
    await p.byTestId('channels').waitFor()
    await p.settled()
    await expect(p.byTestId('alert-rules').locator('tbody tr').count()).resolves.toBe(seed.rules.length)
    await expectShown(a, '[data-testid="alerts-history"]', SHORT)
    await expectShown(a, '[data-testid="alert-rules"]', SHORT)
    await expectShown(a, '[data-testid="channels"]', seed.channels.map((c) => c.name))
    await expectInert(a)
  })

  it('hostile URL parameters on every page are inert too', async () => {
    // markup with quotes, and percent-encoding (decoded once too often, it would become markup)
    const quote = SHORT_PAYLOADS.find((p) => p.name === 'double-quote attribute break')!.text
    const percent = SHORT_PAYLOADS.find((p) => p.name === 'URL-encoded markup')!.text
    const q = (params: Record<string, string>) => new URLSearchParams(params).toString()
    const pages: [string, string][] = [
      [`/?${q({ from: quote, to: percent, refresh: quote })}`, 'page-services'],
      [`/traces?${q({ service: quote, operation: percent, status: quote, minDurationMs: percent, [`attr.${quote}`]: percent })}`, 'page-traces'],
      [`/logs?${q({ q: percent, service: quote, severity: quote })}`, 'page-logs'],
      [`/dashboards?${q({ board: quote })}`, 'page-dashboards'],
      [`/traces/${encodeURIComponent(percent)}?${q({ span: quote })}`, 'state-empty'],
      [`/services/${encodeURIComponent(percent)}?${q({ from: percent })}`, 'page-service'],
    ]
    for (const [path, ready] of pages) {
      const { a } = await open(path, ready)
      // an invalid parameter may well be refused by the query API (a 400 in the console)
      await expectInert(a, { consoleErrors: false })
    }
  })
})
