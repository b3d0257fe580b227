// `node --import ./test/support/module-log.mjs …`: appends the URL of every module the process
// loads through the ESM loader to the file named by STRATA_MODULE_LOG (one per line), so tests can
// assert which modules a command loads.
import { register } from 'node:module';

register('./module-log-hooks.mjs', import.meta.url);
