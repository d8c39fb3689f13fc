#!/usr/bin/env node
import { text } from 'node:stream/consumers';
import { runCli } from './index.js';

const code = await runCli(process.argv.slice(2), {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  stdin: () => text(process.stdin),
  ...(process.stderr.isTTY ? { progress: (frame: string) => process.stderr.write(frame) } : {}),
});
process.exitCode = code;
