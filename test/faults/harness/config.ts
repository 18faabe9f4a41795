/**
 * The one place the fault harness reads its own environment: the minimal environment its child
 * processes start with (so a service under test sees only the configuration the scenario gives it).
 */
export function childBaseEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC' }
}
