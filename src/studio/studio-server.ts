/**
 * `strata studio`'s HTTP server: Prisma Studio's prebuilt page (built by `npm run build` into
 * `dist/studio/ui/`, so it works offline), its BFF endpoint over a {@link StudioExecutor}, the
 * plugin map, and the tenant list. Bound to 127.0.0.1 only; every request must carry the
 * random token the URL was printed with (`?token=` or the `x-strata-token` header), else 401.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StrataError } from '../errors.js';
import type { StudioExecutor, StudioQuery, StudioScope } from './studio-executor.js';

/** The only address Studio listens on. */
export const STUDIO_HOST = '127.0.0.1';

/** What the page needs to know, served as `/api/info`. */
export interface StudioInfo {
  /** Studio's browser adapter: `postgres`, `sqlite` or `mysql`. */
  adapter: 'postgres' | 'sqlite' | 'mysql';
  engine: string;
  /** The database, password masked. */
  database: string;
  readOnly: boolean;
  /** Plugin namespaces (schema or table prefix), the schema Studio lists them under, and their tables. */
  plugins: Array<{ owner: string; namespace: string; schema: string; tables: string[] }>;
  /** Active tenants (id → schema); empty without tenancy. */
  tenants: Array<{ id: string; schema: string; role?: string }>;
  /** Tenant selected by `--tenant`, if any. */
  tenant: string | undefined;
  /** The schema tenant-scoped plugins compose into; their tables live in the selected tenant's schema. */
  tenantPlaceholder: string;
  /** The shared schema tenants see after their own (the registry's). */
  sharedSchema: string | undefined;
  /** Migration status lines shown beside the map. */
  migrations: string[];
}

/** What {@link startStudioServer} needs. */
export interface StudioServerOptions {
  executor: StudioExecutor;
  info: StudioInfo;
  /** The plugin map as SVG markup. */
  mapSvg: string;
  /** Port; `0` (default) picks a free one. */
  port?: number;
}

/** A running Studio. */
export interface StudioServer {
  /** `http://127.0.0.1:<port>/?token=<token>`: the only URL that opens it. */
  url: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

function uiDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'ui'), join(here, '..', '..', 'dist', 'studio', 'ui')];
  return candidates.find((dir) => existsSync(join(dir, 'studio.js'))) ?? candidates[0]!;
}

function page(token: string): string {
  const t = encodeURIComponent(token);
  return `<!doctype html>
<html lang="en" style="height:100%">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Strata Studio</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/studio.css?token=${t}"></head>
<body style="height:100%;margin:0"><div id="root" style="height:100%"></div>
<script type="module" src="/assets/studio.js?token=${t}"></script></body></html>`;
}

function send(res: ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

function authorised(req: IncomingMessage, url: URL, token: string): boolean {
  const given = url.searchParams.get('token') ?? req.headers['x-strata-token'];
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function serialise(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}

interface BffRequest {
  procedure?: string;
  query?: StudioQuery;
  sequence?: [StudioQuery, StudioQuery];
  queries?: StudioQuery[];
  customPayload?: { tenant?: unknown };
}

function scopeFor(info: StudioInfo, tenant: unknown): StudioScope {
  const selected = info.tenants.find((t) => t.id === tenant);
  return { tenant: selected?.id, schema: selected?.schema, role: selected?.role, sharedSchema: info.sharedSchema, hidden: info.tenants.filter((t) => t !== selected).map((t) => t.schema) };
}

/** Answer one BFF procedure the way Prisma Studio's client expects (`[error]` or `[null, result]`). */
async function bff(request: BffRequest, executor: StudioExecutor, info: StudioInfo): Promise<unknown> {
  const scope = scopeFor(info, request.customPayload?.tenant);
  switch (request.procedure) {
    case 'query':
      try {
        return [null, (await executor.run([request.query!], scope))[0]];
      } catch (error) {
        return [serialise(error)];
      }
    case 'sequence': {
      const [first, second] = request.sequence!;
      let rows: unknown;
      try {
        rows = (await executor.run([first], scope))[0];
      } catch (error) {
        return [[serialise(error)]];
      }
      try {
        return [[null, rows], [null, (await executor.run([second], scope))[0]]];
      } catch (error) {
        return [[null, rows], [serialise(error)]];
      }
    }
    case 'transaction':
      try {
        return [null, await executor.run(request.queries ?? [], scope)];
      } catch (error) {
        return [serialise(error)];
      }
    default:
      return [serialise(new Error(`Strata Studio does not support the "${String(request.procedure)}" procedure.`))];
  }
}

/**
 * Start Studio on 127.0.0.1.
 *
 * @example
 * const studio = await startStudioServer({ executor, info, mapSvg });
 * console.log(studio.url); // http://127.0.0.1:41234/?token=…
 */
export async function startStudioServer(options: StudioServerOptions): Promise<StudioServer> {
  const token = randomBytes(24).toString('hex');
  const dir = uiDir();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', `http://${STUDIO_HOST}`);
    if (!authorised(req, url, token)) return send(res, 401, 'Unauthorized: open the URL `strata studio` printed (it carries the token).');
    const get = req.method === 'GET' || req.method === 'HEAD';
    if (get && url.pathname === '/') return send(res, 200, page(token), 'text/html; charset=utf-8');
    if (get && url.pathname === '/assets/studio.js') return send(res, 200, readFileSync(join(dir, 'studio.js')), 'text/javascript; charset=utf-8');
    if (get && url.pathname === '/assets/studio.css') return send(res, 200, readFileSync(join(dir, 'studio.css')), 'text/css; charset=utf-8');
    if (get && url.pathname === '/api/info') return send(res, 200, JSON.stringify(options.info), 'application/json');
    if (get && url.pathname === '/map.svg') return send(res, 200, options.mapSvg, 'image/svg+xml');
    if (req.method === 'POST' && url.pathname === '/bff') {
      return send(res, 200, JSON.stringify(await bff((await body(req)) as BffRequest, options.executor, options.info)), 'application/json');
    }
    send(res, 404, 'Not found');
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, serialise(error).message));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE') return reject(error);
      reject(new StrataError('INVALID_ARGUMENT', `Port ${String(options.port)} on ${STUDIO_HOST} is already in use.`, { hint: 'Pick another with --port <n>, or leave --port out for a free one.' }));
    });
    server.listen(options.port ?? 0, STUDIO_HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${STUDIO_HOST}:${port}/?token=${token}`,
    port,
    token,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
