/**
 * One colour per service, the same on every page and in every trace: its hue, saturation and
 * lightness come from a hash (FNV-1a) of the name, so two services rarely look alike and no
 * table of names is needed. Hues 330°–30° (reds) are never used: red means error everywhere.
 */

export const ERROR_COLOR = '#e5484d'

/** A fixed palette for series that are not services (chart lines of one panel). */
export const SERIES_PALETTE = [
  '#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#17becf', '#bcbd22', '#7f7fff', '#ff9da7', '#8c6d31',
] as const

export function hashName(name: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

export function serviceHue(service: string): number {
  return 30 + (hashName(service) % 300)
}

export function serviceColor(service: string): string {
  const h = hashName(service)
  return `hsl(${30 + (h % 300)}, ${55 + ((h >>> 9) % 20)}%, ${52 + ((h >>> 17) % 12)}%)`
}
