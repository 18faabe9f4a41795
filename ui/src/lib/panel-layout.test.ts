import { describe, expect, it } from 'vitest'
import type { Panel } from '../api/types.ts'
import { movePanel, newPanelId, packLayout, resizePanel } from './panel-layout.ts'

const panel = (id: string, w: number, x = 0, y = 0, h = 4): Panel => ({ id, title: id, type: 'text', query: { source: 'text', markdown: '' }, layout: { x, y, w, h } })
const layout = (panels: Panel[]) => panels.map((p) => `${p.id}:${p.layout.x},${p.layout.y},${p.layout.w}`)

describe('panel layout', () => {
  it('flows panels over the 24-column grid', () => {
    expect(layout(packLayout([panel('a', 12), panel('b', 8), panel('c', 8, 0, 0, 6), panel('d', 24)]))).toEqual(['a:0,0,12', 'b:12,0,8', 'c:0,4,8', 'd:0,10,24'])
  })
  it('moves a panel in reading order', () => {
    const board = packLayout([panel('a', 12), panel('b', 12), panel('c', 12)])
    expect(layout(movePanel(board, 2, -2))).toEqual(['c:0,0,12', 'a:12,0,12', 'b:0,4,12'])
    expect(layout(movePanel(board, 0, 5)).map((s) => s[0])).toEqual(['b', 'c', 'a'])
  })
  it('resizes through the width steps', () => {
    const board = packLayout([panel('a', 12), panel('b', 12)])
    expect(layout(resizePanel(board, 0, true))).toEqual(['a:0,0,16', 'b:0,4,12'])
    expect(layout(resizePanel(board, 1, false))).toEqual(['a:0,0,12', 'b:12,0,8'])
    expect(resizePanel([panel('a', 6)], 0, false)[0]!.layout.w).toBe(6)
  })
  it('makes unused panel ids', () => {
    expect(newPanelId([panel('p2', 6), panel('x', 6)])).toBe('p3')
    expect(newPanelId([panel('p1', 6)])).toBe('p2')
  })
})
