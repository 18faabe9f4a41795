/** Test and benchmark helpers of the agent: the fake collector, the agent as a child process, test configs. */
export { startFakeCollector, type FakeCollector } from './fake-collector.ts'
export { AGENT_NODE_ARGS, AGENT_PRELOAD_ARGS, startAgentProcess, type AgentProcess } from './agent-process.ts'
export { testAgentConfigTree, writeTestAgentConfig, loadTestAgentConfig } from './agent-config.ts'
