/**
 * The e2e harness's settings; the only e2e file that reads process.env.
 *   PERISCOPE_E2E_CHROMIUM   browser binary (default /usr/bin/chromium, Debian's package)
 *   PERISCOPE_E2E_REBUILD=1  run `next build` even when the cached build matches the sources
 */
export interface E2eConfig {
  chromiumPath: string
  forceRebuild: boolean
  /** the environment children start from (PATH, HOME…), without anything Periscope-specific */
  baseEnv: Record<string, string>
}

export function loadE2eConfig(env: Readonly<Record<string, string | undefined>> = process.env): E2eConfig {
  const baseEnv: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || key.startsWith('PERISCOPE_') || key === 'NODE_OPTIONS' || key.startsWith('VITEST') || key === 'NODE_ENV') continue
    baseEnv[key] = value
  }
  baseEnv.TZ = 'UTC'
  baseEnv.NEXT_TELEMETRY_DISABLED = '1'
  return {
    chromiumPath: env.PERISCOPE_E2E_CHROMIUM ?? '/usr/bin/chromium',
    forceRebuild: env.PERISCOPE_E2E_REBUILD === '1',
    baseEnv,
  }
}
