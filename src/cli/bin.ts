#!/usr/bin/env node
// The `strata` executable. Everything it does lives in program.ts, so tests drive runCli directly.
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2), { exitAfterCrash: true });
