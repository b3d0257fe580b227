// Loader hooks of module-log.mjs (they run in Node's loader thread).
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  if (process.env.STRATA_MODULE_LOG) appendFileSync(process.env.STRATA_MODULE_LOG, `${url}\n`);
  return nextLoad(url, context);
}
