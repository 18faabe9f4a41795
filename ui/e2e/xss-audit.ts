/**
 * What the XSS specs watch in the browser, installed on a whole context before any page
 * script runs:
 *
 * - the sentinel: `window.__xss(id)` reports to the test process (an exposed binding, so a
 *   call is seen even if the page navigates or the payload ran in a frame), per page;
 * - dialogs (alert/confirm/prompt), per page, dismissed;
 * - a DOM audit (a MutationObserver from the first byte, plus a full scan on demand) that
 *   records anything markup injection leaves behind even when it did not run: an `on*`
 *   attribute (React never writes one), `srcdoc`/`autofocus` attributes, a `javascript:`,
 *   `vbscript:` or non-image `data:` URL in a URL attribute (control characters and spaces
 *   removed first, as browsers do), an element the UI never renders (img, iframe, object,
 *   embed, base, math, details, video…, `<meta http-equiv>`), and a script without the
 *   page's nonce that is not one of Next's own chunks;
 * - `missingText(page, scope, texts)`: which of `texts` no rendered text node under `scope`
 *   contains — the positive half of "inert": the payload is on the page, as text.
 *
 * The in-page code is a plain string (not a transpiled function) so it runs as written.
 */
import type { BrowserContext, Page } from 'playwright-core'
import type { Browser, ConsoleProblem } from './browser.ts'
import { XSS_SENTINEL } from './xss-payloads.ts'

const AUDIT_SCRIPT = String.raw`(() => {
  if (window.__xssAudit) return;
  const SENTINEL = '${XSS_SENTINEL}';
  const FORBIDDEN = new Set(['IMG', 'IFRAME', 'FRAME', 'FRAMESET', 'OBJECT', 'EMBED', 'APPLET', 'BASE', 'MATH', 'DETAILS', 'MARQUEE', 'VIDEO', 'AUDIO', 'SOURCE', 'PORTAL']);
  const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster', 'background', 'codebase', 'ping', 'srcset', 'content']);
  const BAD_URL = /^(javascript:|vbscript:|data:(?!image\/(png|gif|jpeg|webp);)|[0-9]+;url=javascript:)/i;
  const findings = [];
  const seen = new Set();
  const record = (el, what) => {
    const text = (el.tagName || '?').toLowerCase() + ': ' + what.slice(0, 200);
    if (!seen.has(text)) { seen.add(text); findings.push(text); }
  };
  const check = (el) => {
    if (!el || el.nodeType !== 1) return;
    const tag = el.tagName.toUpperCase();
    if (FORBIDDEN.has(tag)) record(el, 'an element the UI never renders');
    if (tag === 'META' && el.hasAttribute('http-equiv')) record(el, 'http-equiv ' + el.getAttribute('http-equiv'));
    if (tag === 'SCRIPT') {
      const src = el.getAttribute('src') || '';
      const ours = src.startsWith('/_next/') || src.startsWith(location.origin + '/_next/');
      if (!el.nonce && !ours) record(el, 'a script without the page nonce: ' + (src || el.textContent || ''));
    }
    if (tag === 'STYLE' && (el.textContent || '').includes(SENTINEL)) record(el, 'a style with the sentinel');
    for (const attribute of Array.from(el.attributes)) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value;
      if (name.startsWith('on')) record(el, 'event handler attribute ' + name + '=' + value);
      else if (name === 'srcdoc' || name === 'autofocus') record(el, 'attribute ' + name + '=' + value);
      else if (URL_ATTRIBUTES.has(name) && BAD_URL.test(value.replace(/[\u0000-\u0020\u007f-\u009f]/g, ''))) record(el, 'URL ' + name + '=' + value);
    }
  };
  const scan = (root) => {
    check(root);
    if (root.querySelectorAll) for (const el of root.querySelectorAll('*')) check(el);
  };
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === 'attributes') check(m.target);
      else for (const node of m.addedNodes) if (node.nodeType === 1) scan(node);
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
  window.__xssAudit = () => {
    if (document.documentElement) scan(document.documentElement);
    return findings.slice();
  };
  window.__xssMissingText = (selector, texts) => {
    const scope = selector ? document.querySelector(selector) : document.body;
    if (!scope) return texts.map((t) => 'no ' + selector + ' for: ' + t);
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
    const nodes = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
    const shown = (node) => {
      const el = node.parentElement;
      if (!el || el.closest('option, script, style, template, datalist')) return false;
      const style = getComputedStyle(el);
      return el.getClientRects().length > 0 && style.visibility !== 'hidden' && style.display !== 'none';
    };
    return texts.filter((t) => !nodes.some((n) => n.data.includes(t) && shown(n)));
  };
})();`

export interface AuditedPage {
  page: Page
  problems: ConsoleProblem[]
  dialogs: string[]
}

export interface XssAudit {
  /** a new page of the audited context, its dialogs recorded and dismissed */
  newPage(): Promise<AuditedPage>
  /** sentinel ids the page (or any of its frames) called */
  sentinelCalls(page: Page): number[]
  /** sentinel ids called from any page of the context */
  allSentinelCalls(): number[]
  /** the DOM audit's findings on the page so far (observer records plus a full scan now) */
  findings(page: Page): Promise<string[]>
  /** which texts are not shown as rendered text under the selector (the body when null) */
  missingText(page: Page, selector: string | null, texts: readonly string[]): Promise<string[]>
}

export async function installXssAudit(browser: Browser): Promise<XssAudit> {
  const context: BrowserContext = browser.context
  const calls = new Map<Page, number[]>()
  await context.exposeBinding(XSS_SENTINEL, (source, id: unknown) => {
    const list = calls.get(source.page) ?? []
    list.push(Number(id))
    calls.set(source.page, list)
  })
  await context.addInitScript({ content: AUDIT_SCRIPT })
  return {
    async newPage() {
      const { page, problems } = await browser.newPage()
      const dialogs: string[] = []
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message())
        void dialog.dismiss().catch(() => undefined)
      })
      return { page, problems, dialogs }
    },
    sentinelCalls: (page) => [...(calls.get(page) ?? [])],
    allSentinelCalls: () => [...calls.values()].flat(),
    findings: (page) => page.evaluate(() => (window as unknown as { __xssAudit: () => string[] }).__xssAudit()),
    missingText: (page, selector, texts) =>
      page.evaluate(([s, t]) => (window as unknown as { __xssMissingText: (s: string | null, t: readonly string[]) => string[] }).__xssMissingText(s, t), [selector, texts] as const),
  }
}
