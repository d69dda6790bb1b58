#!/usr/bin/env node
// Standalone `momento-functions-build <entry.ts> [-o out.wasm]` (the same as `momento-functions build`).
import { runBuildCommand } from './cli.js';

const args = process.argv.slice(2);
process.exitCode = await runBuildCommand(args[0] === 'build' ? args.slice(1) : args);
