/** The Job <-> agent contract: where inputs are, the config and result schemas, exit codes. */
export * from './backup.js';
export * from './paths.js';
export { AgentConfigError, checkAgentConfig, invalidConfig, readAgentConfig } from './read.js';
export * from './restore.js';
export * from './store.js';
