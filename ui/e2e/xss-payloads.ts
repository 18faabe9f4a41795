/**
 * Hostile strings for the UI's "inert in every view" specs (issue #13): one list, used as
 * service names, span names, log bodies, attribute keys and values, metric names and labels,
 * dashboard, panel, SLO, rule and channel names.
 *
 * Invariant: every payload, if the browser ever ran it as markup or script, calls
 * `window.__xss(<its id>)` (the spec installs that sentinel before any page script runs), so
 * "inert" is asserted positively — no sentinel call — and not merely as "nothing broke". The
 * one that would raise a dialog (`alert`) also calls the sentinel. Payloads are distinct, have
 * no line breaks or tabs (the specs compare text content), and each says which fields can
 * carry it: `short` ones fit the query API's 256-character name limits, `nul` ones contain a
 * NUL byte (accepted by the OTLP pipeline in bodies and attribute values, not used for names
 * that travel in URL paths), `long` is far past any column a person reads.
 */

export const XSS_SENTINEL = '__xss'

/**
 * Where a payload does harm, i.e. how the canary spec makes it run to prove it would call the
 * sentinel: parsed as HTML; inside a double-quoted attribute built by concatenation; as a
 * link's URL (also the target of a markdown link); evaluated by a template engine ({{…}}), as
 * a JS template literal, or inside a double-quoted JS string escaped by quoting only `"`;
 * or as HTML after one more round of entity or URL decoding.
 */
export type XssContext = 'html' | 'attribute' | 'url' | 'markdown' | 'template' | 'template-literal' | 'js-string' | 'entities' | 'url-encoded'

export interface XssPayload {
  id: number
  /** what the payload tries */
  name: string
  context: XssContext
  text: string
  /** ≤ 256 characters and no NUL: usable as a service, SLO, rule, channel, board or panel name */
  short: boolean
}

const call = (id: number) => `window.${XSS_SENTINEL}(${id})`

const RAW: readonly [string, XssContext, (id: number) => string][] = [
  ['script tag', 'html', (n) => `<script>${call(n)}</script>`],
  ['img onerror', 'html', (n) => `<img src=x onerror="${call(n)}">`],
  ['svg onload', 'html', (n) => `<svg onload="${call(n)}"></svg>`],
  ['svg/onload without quotes', 'html', (n) => `<svg/onload=${call(n)}>`],
  ['double-quote attribute break', 'attribute', (n) => `"><img src=x onerror=${call(n)}>`],
  ['single-quote attribute break', 'html', (n) => `'><svg onload=${call(n)}>`],
  ['event attribute injection', 'attribute', (n) => `" autofocus onfocus="${call(n)}" onmouseover="${call(n)}" x="`],
  ['javascript: URL', 'url', (n) => `javascript:${call(n)}//?x=1#y`],
  ['anchor with javascript: href', 'html', (n) => `<a href="javascript:${call(n)}" id="xss-link-${n}">open</a>`],
  ['entity-obfuscated javascript: href', 'html', (n) => `<a href="jav&#x09;ascript:${call(n)}">open</a>`],
  ['template expression', 'template', (n) => `{{constructor.constructor('${call(n)}')()}}`],
  ['template literal', 'template-literal', (n) => `\${${call(n)}}`],
  ['escaped HTML entities', 'entities', (n) => `&lt;img src=x onerror=${call(n)}&gt;`],
  ['numeric HTML entities', 'entities', (n) => `&#60;script&#62;${call(n)}&#60;/script&#62;`],
  ['RTL override and zero-width', 'html', (n) => `\u202Egpj.exe\u200B<img src=x onerror=${call(n)}>`],
  ['iframe javascript: src', 'html', (n) => `<iframe src="javascript:${call(n)}"></iframe>`],
  ['iframe srcdoc', 'html', (n) => `<iframe srcdoc="<script>parent.${XSS_SENTINEL}(${n})</script>"></iframe>`],
  ['details ontoggle', 'html', (n) => `<details open ontoggle=${call(n)}>x</details>`],
  ['input autofocus onfocus', 'html', (n) => `<input autofocus onfocus=${call(n)}>`],
  ['closing-tag context break', 'html', (n) => `</textarea></title></style></script><script>${call(n)}</script>`],
  ['math/style mutation XSS', 'html', (n) => `<math><mtext><table><mglyph><style><img src=x onerror=${call(n)}>`],
  ['noscript mutation XSS', 'html', (n) => `<noscript><p title="</noscript><img src=x onerror=${call(n)}>">`],
  ['data: URL', 'html', (n) => `data:text/html,<script>${call(n)}</script>`],
  ['URL-encoded markup', 'url-encoded', (n) => `%3Cimg%20src%3Dx%20onerror%3D${call(n)}%3E`],
  ['alert dialog', 'html', (n) => `<img src=x onerror="alert('xss-${n}');${call(n)}">`],
  ['JS string break', 'js-string', (n) => `\\";${call(n)};//`],
  ['body onload', 'html', (n) => `<body onload=${call(n)}>`],
  ['object data', 'html', (n) => `<object data="javascript:${call(n)}"></object>`],
  ['svg animate onbegin', 'html', (n) => `<svg><animate onbegin=${call(n)} attributeName=x dur=1s>`],
  ['form button formaction', 'html', (n) => `<form><button formaction="javascript:${call(n)}">go</button></form>`],
  ['base href', 'html', (n) => `<base href="javascript:${call(n)}//">`],
  ['meta refresh', 'html', (n) => `<meta http-equiv="refresh" content="0;url=javascript:${call(n)}">`],
  ['video source onerror', 'html', (n) => `<video><source onerror=${call(n)}></video>`],
  ['markdown javascript: link', 'markdown', (n) => `[open](javascript:${call(n)})`],
  ['NUL byte before markup', 'html', (n) => `nul\u0000<script>${call(n)}</script>\u0000<img src=x onerror=${call(n)}>`],
  ['very long string', 'html', (n) => `${'A'.repeat(8192)}<img src=x onerror=${call(n)}>${'B'.repeat(2048)}`],
]

export const XSS_PAYLOADS: readonly XssPayload[] = RAW.map(([name, context, make], i) => {
  const id = i + 1
  const text = make(id)
  return { id, name, context, text, short: text.length <= 256 && !text.includes('\u0000') }
})

/** payloads usable as names (services, SLOs, rules, channels, boards, panels) */
export const SHORT_PAYLOADS: readonly XssPayload[] = XSS_PAYLOADS.filter((p) => p.short)

export function payload(id: number): XssPayload {
  const p = XSS_PAYLOADS[id - 1]
  if (!p) throw new Error(`no XSS payload ${id}`)
  return p
}
