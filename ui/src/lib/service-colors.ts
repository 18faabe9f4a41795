/**
 * One colour per service, the same on every page and in every trace: the palette index is a
 * hash (FNV-1a) of the name. Red is left out of the palette: it means error everywhere.
 */

export const SERVICE_PALETTE = [
  '#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#17becf', '#bcbd22', '#7f7fff', '#ff9da7', '#8c6d31',
] as const

export const ERROR_COLOR = '#e5484d'

export function hashName(name: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

export function serviceColor(service: string): string {
  return SERVICE_PALETTE[hashName(service) % SERVICE_PALETTE.length]!
}
