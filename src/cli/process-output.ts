/**
 * What the `strata` process prints, whoever prints it. `output.ts` cleans what Strata's commands
 * print; but code running inside the CLI process prints too: Prisma's client and driver adapters
 * (`prisma:warn …` lines, `DEBUG=prisma:*` logs), the schema engine's glue, a config file. Once
 * {@link guardProcessOutput} ran, every text written to the process's stdout and stderr passes
 * through `redactSecrets` (URL passwords always; the environment's secrets and, once the config is
 * loaded, the config's: {@link addPrintedSecrets}).
 *
 * It also makes a closed pipe quiet: `strata status | head -1` ends the reader early, the next
 * write fails with EPIPE, and Node would crash with a stack trace. Instead, output to a closed
 * stream is dropped and the command finishes (a migration half-way is not interrupted) and exits
 * with its own code.
 */
import { redactSecrets } from '../config/redact.js';

const secrets = new Set<string>();

/** Secrets to remove from everything the process prints (besides URL passwords). */
export function addPrintedSecrets(list: readonly string[]): void {
  for (const s of list) if (s !== '') secrets.add(s);
}

const guarded = new WeakSet<NodeJS.WriteStream>();
const unmasked = new WeakMap<NodeJS.WriteStream, (chunk: string) => boolean>();

/**
 * Write `text` to `stream` past the masker: only for a secret the user must see to act on, the
 * one case being the access token of the URL `strata studio` prints (it opens the studio; the
 * masker would otherwise hide `?token=` as it does in every other URL). Nothing else may use it.
 */
export function writeUnmasked(stream: NodeJS.WriteStream, text: string): void {
  (unmasked.get(stream) ?? ((chunk: string) => stream.write(chunk)))(text);
}

/** Route every write of `process.stdout` and `process.stderr` through the masker; ignore EPIPE. Idempotent. */
export function guardProcessOutput(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    if (guarded.has(stream)) continue;
    guarded.add(stream);
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    unmasked.set(stream, (chunk) => (stream.destroyed ? false : write(chunk)));
    stream.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
      if (stream.destroyed) {
        // The reader went away: drop the output quietly (still calling back, so nobody waits for it).
        const callback = rest.find((r): r is () => void => typeof r === 'function');
        if (callback) process.nextTick(callback);
        return false;
      }
      const encoding = typeof rest[0] === 'string' ? rest[0] : undefined;
      const text = typeof chunk === 'string' && (encoding === undefined || /^utf-?8$/i.test(encoding)) ? chunk : utf8Text(chunk, encoding);
      if (text === undefined) return write(chunk, ...rest);
      return write(redactSecrets(text, [...secrets]), ...(encoding === undefined ? rest : rest.slice(1)));
    }) as typeof stream.write;
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
        stream.destroy();
        return;
      }
      throw error;
    });
  }
}

/** `chunk` as text when it is bytes that are exactly UTF-8 text, else `undefined` (written as is). */
function utf8Text(chunk: unknown, encoding: string | undefined): string | undefined {
  if (!(chunk instanceof Uint8Array) || encoding !== undefined) return undefined;
  const text = Buffer.from(chunk).toString('utf8');
  return Buffer.from(text, 'utf8').equals(chunk) ? text : undefined;
}
