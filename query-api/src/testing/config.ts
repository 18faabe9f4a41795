/**
 * The one place query-api tests read the environment: the minimal environment a child process of a
 * test starts with, so it sees only the configuration the test gives it.
 */
export function childBaseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '', TZ: 'UTC' }
}
