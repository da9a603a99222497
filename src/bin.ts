#!/usr/bin/env node
// The `persona-pool` executable: everything it does is in cli/main.ts, where it can be tested in-process.
import { main } from './cli/main.js';
import { processIo } from './cli/io.js';

process.exitCode = await main(process.argv.slice(2), processIo());
