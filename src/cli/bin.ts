#!/usr/bin/env node
// The `strata` executable. Everything it does lives in program.ts, so tests drive runCli directly.
import { secretsFromEnv } from './output.js';
import { addPrintedSecrets, guardProcessOutput } from './process-output.js';
import { runCli } from './program.js';

// Whatever prints inside this process (Prisma's logs too) is masked; a closed pipe (`| head`) is quiet.
addPrintedSecrets(secretsFromEnv(process.env));
guardProcessOutput();

process.exitCode = await runCli(process.argv.slice(2), { exitAfterCrash: true });
