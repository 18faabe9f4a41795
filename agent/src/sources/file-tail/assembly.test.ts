import { describe, expect, it } from 'vitest'
import { createLineSplitter, type Line } from './line-splitter.ts'
import { createCriJoiner, parseCriLine, podFromLogPath } from './cri.ts'
import { createMultiline, type JoinedRecord } from './multiline.ts'
import { createRecordAssembler, type AssembledRecord } from './record-assembler.ts'

const ML = { mode: 'auto' as const, maxLines: 500, maxBytes: 64 * 1024, flushTimeoutMs: 1000 }

describe('line splitter', () => {
  it('splits across chunks with exact offsets and keeps the incomplete tail pending', () => {
    const s = createLineSplitter({ maxLineBytes: 100 })
    const out: Line[] = []
    s.push(Buffer.from('ab\ncd'), 0, out)
    expect(s.pendingStart()).toBe(3)
    s.push(Buffer.from('e\r\nfg'), 5, out)
    expect(out).toEqual([
      { text: 'ab', startOffset: 0, endOffset: 3, truncated: false },
      { text: 'cde', startOffset: 3, endOffset: 8, truncated: false },
    ])
    expect(s.pendingStart()).toBe(8)
    expect(s.takePartial()).toEqual({ text: 'fg', startOffset: 8, endOffset: 10, truncated: false })
  })

  it('cuts over-long lines and skips (and counts) their rest', () => {
    const s = createLineSplitter({ maxLineBytes: 4 })
    const out: Line[] = []
    s.push(Buffer.from('abcdefgh'), 0, out)
    s.push(Buffer.from('ij\nok\n'), 8, out)
    expect(out.map((l) => [l.text, l.truncated])).toEqual([['abcd', true], ['ok', false]])
    expect(s.skippedBytes).toBe(6)
    expect(s.pendingStart()).toBeUndefined()
  })
})

describe('CRI', () => {
  it('parses the envelope and joins partial lines per stream', () => {
    expect(parseCriLine('2024-01-02T03:04:05.000000001Z stdout F hello world')).toEqual({
      timeNs: 1704164645000000001n,
      stream: 'stdout',
      partial: false,
      message: 'hello world',
    })
    expect(parseCriLine('2024-01-02T03:04:05Z stderr F')?.message).toBe('')
    expect(parseCriLine('hello')).toBeUndefined()
    const j = createCriJoiner({ maxBytes: 1000 })
    expect(j.push(parseCriLine('2024-01-02T03:04:05Z stdout P abc')!, 0, 10)).toBeUndefined()
    expect(j.push(parseCriLine('2024-01-02T03:04:06Z stderr F err')!, 10, 20)?.text).toBe('err')
    expect(j.pendingStart()).toBe(0)
    const done = j.push(parseCriLine('2024-01-02T03:04:07Z stdout F def')!, 20, 30)
    expect(done).toMatchObject({ text: 'abcdef', startOffset: 0, endOffset: 30, stream: 'stdout', timeNs: 1704164645000000000n })
    expect(j.pendingStart()).toBeUndefined()
  })

  it('takes pod, namespace and container from the pod log path', () => {
    expect(podFromLogPath('/var/log/pods/shop_checkout-7d9f_0f1e2d3c-aaaa-bbbb-cccc-0123456789ab/checkout/3.log')).toEqual({
      namespace: 'shop',
      podName: 'checkout-7d9f',
      podUid: '0f1e2d3c-aaaa-bbbb-cccc-0123456789ab',
      containerName: 'checkout',
      restartCount: 3,
    })
    expect(podFromLogPath('/var/log/app.log')).toBeUndefined()
  })
})

describe('multiline', () => {
  const javaTrace = [
    '2024-01-02 03:04:05 ERROR request failed',
    'java.lang.IllegalStateException: boom',
    '\tat com.shop.Checkout.pay(Checkout.java:42)',
    '\tat com.shop.Checkout.run(Checkout.java:7)',
    'Caused by: java.io.IOException: reset',
    '\t... 12 more',
    '2024-01-02 03:04:06 INFO next',
  ]

  it('joins a Java stack trace into one record and starts a new one at the next timestamp', () => {
    const m = createMultiline(ML)
    const out: JoinedRecord[] = []
    let offset = 0
    for (const line of javaTrace) {
      m.push(line, offset, offset + line.length + 1, 0, out)
      offset += line.length + 1
    }
    expect(out).toHaveLength(1)
    expect(out[0]!.text).toBe(javaTrace.slice(0, 6).join('\n'))
    expect(out[0]!.lines).toBe(6)
    expect(m.pendingStart()).toBe(offset - javaTrace[6]!.length - 1)
    m.flushIfIdle(999, out)
    expect(out).toHaveLength(1)
    m.flushIfIdle(1000, out)
    expect(out.map((r) => r.text)).toEqual([javaTrace.slice(0, 6).join('\n'), javaTrace[6]])
  })

  it('joins an unstamped Node trace by its "at" lines and bounds records by line count', () => {
    const m = createMultiline({ ...ML, maxLines: 3 })
    const out: JoinedRecord[] = []
    for (const line of ['Error: x', '    at a (a.js:1)', '    at b (b.js:2)', '    at c (c.js:3)', 'next']) m.push(line, 0, 0, 0, out)
    m.flush(out)
    expect(out.map((r) => [r.text.split('\n').length, r.truncated])).toEqual([[3, true], [1, false], [1, false]])
  })

  it('emits whole JSON lines at once', () => {
    const m = createMultiline(ML)
    const out: JoinedRecord[] = []
    m.push('{"a":1}', 0, 8, 0, out)
    expect(out).toHaveLength(1)
    expect(m.pendingStart()).toBeUndefined()
  })
})

describe('record assembler', () => {
  it('chains CRI joining and multi-line joining and reports the safe offset', () => {
    const a = createRecordAssembler({ cri: true, maxLineBytes: 1000, multiline: ML })
    const text = [
      '2024-01-02T03:04:05Z stdout F Error: boom',
      '2024-01-02T03:04:05Z stdout F     at f (x.js:1)',
      '2024-01-02T03:04:06Z stdout P {"msg":"par',
      '2024-01-02T03:04:06Z stdout F t"}',
      '2024-01-02T03:04:07Z stderr P pend',
    ].join('\n') + '\n'
    const out: AssembledRecord[] = []
    a.push(Buffer.from(text), 0, 0, out)
    expect(out.map((r) => [r.text, r.stream])).toEqual([
      ['Error: boom\n    at f (x.js:1)', 'stdout'],
      ['{"msg":"part"}', 'stdout'],
    ])
    const pendingAt = text.indexOf('2024-01-02T03:04:07Z')
    expect(a.safeOffset(text.length)).toBe(pendingAt)
    a.drain(out)
    expect(out[2]).toMatchObject({ text: 'pend', stream: 'stderr' })
    expect(a.safeOffset(text.length)).toBe(text.length)
  })
})
