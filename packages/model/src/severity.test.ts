import { describe, expect, it } from 'vitest'
import { severityNumberOf, severityTextOf } from './severity.ts'

describe('severityTextOf', () => {
  it('maps the OTLP ranges to the short names', () => {
    const expected: [number, string][] = [
      [0, ''],
      [1, 'TRACE'],
      [4, 'TRACE'],
      [5, 'DEBUG'],
      [8, 'DEBUG'],
      [9, 'INFO'],
      [12, 'INFO'],
      [13, 'WARN'],
      [16, 'WARN'],
      [17, 'ERROR'],
      [20, 'ERROR'],
      [21, 'FATAL'],
      [24, 'FATAL'],
      [25, ''],
      [-1, ''],
      [9.5, ''],
    ]
    for (const [n, text] of expected) expect([n, severityTextOf(n)]).toEqual([n, text])
  })
})

describe('severityNumberOf', () => {
  it('reads the short names, their numbered forms and common spellings, case-insensitively', () => {
    const expected: [string, number][] = [
      ['TRACE', 1],
      ['debug', 5],
      ['Info', 9],
      ['INFO3', 11],
      ['warn', 13],
      ['warning', 13],
      ['WARN4', 16],
      ['error', 17],
      ['ERROR2', 18],
      ['fatal', 21],
      ['critical', 21],
      [' info ', 9],
      ['INFO5', 0],
      ['verbose', 0],
      ['', 0],
    ]
    for (const [text, n] of expected) expect([text, severityNumberOf(text)]).toEqual([text, n])
  })

  it('is consistent with severityTextOf', () => {
    for (let n = 1; n <= 24; n++) expect(severityTextOf(severityNumberOf(severityTextOf(n)))).toBe(severityTextOf(n))
  })
})
