import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { alertKeyOf, alertLabels, dedupKey, eventIdOf, groupLabelsOf, matchesAll } from './labels.ts'
import { nextState } from './state-machine.ts'

describe('alert state machine', () => {
  const FOR_MS = 60_000

  it('ok → pending → firing after the for-duration → resolved', () => {
    const pending = nextState(undefined, true, 1000, FOR_MS)
    expect(pending).toEqual({ state: 'pending', sinceMs: 1000, transition: 'pending' })
    expect(nextState(pending, true, 30_000, FOR_MS)).toEqual({ state: 'pending', sinceMs: 1000, transition: 'none' })
    const firing = nextState(pending, true, 61_000, FOR_MS)
    expect(firing).toEqual({ state: 'firing', sinceMs: 61_000, transition: 'firing' })
    expect(nextState(firing, true, 90_000, FOR_MS).transition).toBe('none')
    expect(nextState(firing, false, 120_000, FOR_MS)).toEqual({ state: 'ok', sinceMs: 120_000, transition: 'resolved' })
  })

  it('a pending series that recovers is cleared, not resolved (nothing was notified)', () => {
    expect(nextState({ state: 'pending', sinceMs: 0 }, false, 10_000, FOR_MS)).toEqual({ state: 'ok', sinceMs: 10_000, transition: 'cleared' })
  })

  it('fires at once without a for-duration', () => {
    expect(nextState({ state: 'ok', sinceMs: 0 }, true, 5, 0)).toEqual({ state: 'firing', sinceMs: 5, transition: 'firing' })
  })

  it('an inactive ok series stays as it is', () => {
    expect(nextState({ state: 'ok', sinceMs: 7 }, false, 99, FOR_MS)).toEqual({ state: 'ok', sinceMs: 7, transition: 'none' })
  })
})

describe('labels, keys and silences', () => {
  it('keys group labels canonically, whatever their order', () => {
    expect(alertKeyOf({})).toBe('')
    expect(alertKeyOf({ service: 'b', operation: 'a' })).toBe('{"operation":"a","service":"b"}')
    expect(alertKeyOf({ operation: 'a', service: 'b' })).toBe(alertKeyOf({ service: 'b', operation: 'a' }))
    expect(groupLabelsOf(alertKeyOf({ service: 'x"y' }))).toEqual({ service: 'x"y' })
  })

  it('derives the PagerDuty dedup key from tenant, rule and group labels only', () => {
    const expected = createHash('sha256').update('acme\u0000rule-1\u0000{"service":"checkout"}\u0000').digest('hex')
    expect(dedupKey('acme', 'rule-1', { service: 'checkout' })).toBe(expected)
    expect(dedupKey('acme', 'rule-1', { service: 'checkout' })).not.toBe(dedupKey('globex', 'rule-1', { service: 'checkout' }))
    expect(dedupKey('acme', 'rule-1', { service: 'checkout' })).not.toBe(dedupKey('acme', 'rule-1', { service: 'cart' }))
  })

  it('gives the same transition the same UUID-shaped event id', () => {
    const id = eventIdOf('acme', 'r', '', 3)
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(eventIdOf('acme', 'r', '', 3)).toBe(id)
    expect(eventIdOf('acme', 'r', '', 4)).not.toBe(id)
  })

  it('lets the built-in labels win over the rule labels', () => {
    const labels = alertLabels({ id: 'r1', name: 'Checkout burn', severity: 'page', labels: { team: 'pay', severity: 'low' } }, { service: 'checkout' })
    expect(labels).toEqual({ team: 'pay', service: 'checkout', alertname: 'Checkout burn', severity: 'page', rule_id: 'r1' })
  })

  it('silences when every matcher holds; a missing label reads as empty', () => {
    const labels = { service: 'checkout', severity: 'page', team: 'pay' }
    expect(matchesAll([{ label: 'service', op: '=', value: 'checkout' }], labels)).toBe(true)
    expect(matchesAll([{ label: 'service', op: '=', value: 'checkout' }, { label: 'severity', op: '!=', value: 'page' }], labels)).toBe(false)
    expect(matchesAll([{ label: 'region', op: '=', value: '' }], labels)).toBe(true)
    expect(matchesAll([{ label: 'region', op: '!=', value: 'eu' }], labels)).toBe(true)
    expect(matchesAll([], labels)).toBe(false)
  })
})
