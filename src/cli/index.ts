export { runCli, usage, type CliIo } from './run.js';
