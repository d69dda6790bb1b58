#!/usr/bin/env node
// `npm create @momento-functions <dir>` runs this (package.json "bin").
import { runCreate } from './command.js';

process.exitCode = await runCreate(process.argv.slice(2));
