/**
 * Environment of the test harness (the only file under test/setup that reads process.env).
 *   PERISCOPE_KAFKA_BROKERS  use this external broker list (comma-separated); start nothing
 *   PERISCOPE_KAFKA_PORT     client port of the deploy/kafka broker (default 39092)
 *   PERISCOPE_KAFKA_RUN_DIR  run directory of the deploy/kafka broker (default deploy/kafka/run)
 */
export interface KafkaSetupConfig {
  externalBrokers: string[] | null
  port: number
  /** passed through to deploy/kafka/kafka.sh */
  scriptEnv: NodeJS.ProcessEnv
}

export function loadKafkaSetupConfig(env: NodeJS.ProcessEnv = process.env): KafkaSetupConfig {
  const external = env.PERISCOPE_KAFKA_BROKERS?.trim()
  const port = Number(env.PERISCOPE_KAFKA_PORT ?? 39092)
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`PERISCOPE_KAFKA_PORT=${env.PERISCOPE_KAFKA_PORT} is not a port`)
  return {
    externalBrokers: external ? external.split(',').map((b) => b.trim()).filter(Boolean) : null,
    port,
    scriptEnv: { ...env },
  }
}
