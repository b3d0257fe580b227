// The attacks of the tenant isolation suite: raw SQL sent through db.tenant('acme') trying to read or
// write tenant beta's rows, or to leave session state on the pooled connection for its next user.
// Most are written so that the friendly regex guard does NOT catch them (Unicode escapes, comments,
// concatenated names, bound parameters): what stops them must be PostgreSQL.

/** How an attack is sent. */
export type AttackMode = 'query' | 'execute' | 'tx' | 'steps' | 'tagged';

/** One attempt. `sql` holds one string, or several sent one after the other (`tx`: in one tenant transaction; `steps`: separately). */
export interface Attack {
  family: string;
  name: string;
  mode: AttackMode;
  sql: string[];
  params?: unknown[];
  /** Reads beta's rows (else: writes them, or poisons the session). */
  read: boolean;
}

const B_ITEM = 'U&"tenant\\005fbeta"."Item"';
const B_NOTE = 'U&"\\0074enant_beta"."Note"';
/** `tenant_beta."Item"` built at run time, so the text never names it. */
const B_ITEM_DYN = `'tenant_' || 'beta."Item"'`;
const b64 = (text: string): string => Buffer.from(text).toString('base64');

const q = (family: string, name: string, sql: string, read = true, params?: unknown[]): Attack => ({ family, name, mode: 'query', sql: [sql], read, ...(params ? { params } : {}) });
const e = (family: string, name: string, sql: string, read = false, params?: unknown[]): Attack => ({ family, name, mode: 'execute', sql: [sql], read, ...(params ? { params } : {}) });
const tx = (family: string, name: string, sql: string[], read = true): Attack => ({ family, name, mode: 'tx', sql, read });
const steps = (family: string, name: string, sql: string[], read = true): Attack => ({ family, name, mode: 'steps', sql, read });

/** Every attempt, by technique family. `betaRole` is tenant beta's database role. */
export function attacks(betaRole: string): Attack[] {
  return [
    // Identifiers PostgreSQL reads differently from a regex.
    q('unicode', 'U& escaped schema, select', `SELECT sku FROM ${B_ITEM}`),
    e('unicode', 'U& escaped schema, update', `UPDATE ${B_ITEM} SET sku = 'pwned'`),
    e('unicode', 'U& escaped schema, delete', `DELETE FROM ${B_NOTE}`),
    tx('unicode', 'U& escaped schema in a transaction', [`SELECT sku FROM ${B_ITEM}`]),
    q('comment', 'block comment before the dot', 'SELECT sku FROM tenant_beta/**/."Item"'),
    e('comment', 'line comment before the dot, update', `UPDATE tenant_beta --x\n."Item" SET sku = 'pwned'`),
    q('comment', 'spaces and a comment around the dot', 'SELECT sku FROM "tenant_beta" /* hi */ . "Item"'),
    e('comment', 'comment before the dot, insert', `INSERT INTO tenant_beta/* */."Item" (id, sku, owner) VALUES (99, 'x', 'acme')`),
    // Dynamic SQL.
    e('dynamic', 'DO block EXECUTE update', `DO $$ BEGIN EXECUTE 'UPDATE ' || ${B_ITEM_DYN} || ' SET sku = ''pwned'''; END $$`),
    e('dynamic', 'DO block EXECUTE format delete', `DO $$ BEGIN EXECUTE format('DELETE FROM %I.%I', 'tenant_' || 'beta', 'Note'); END $$`),
    e('dynamic', 'DO block exfiltrating through RAISE', `DO $$ DECLARE s text; BEGIN EXECUTE 'SELECT string_agg(sku, '','') FROM ' || ${B_ITEM_DYN} INTO s; RAISE EXCEPTION '%', s; END $$`, true),
    q('dynamic', 'query_to_xml of a concatenated name', `SELECT query_to_xml('SELECT sku FROM ' || ${B_ITEM_DYN}, true, false, '') AS x`),
    q('dynamic', 'query_to_xml of base64-decoded SQL', `SELECT query_to_xml(convert_from(decode('${b64('SELECT sku FROM tenant_beta."Item"')}', 'base64'), 'UTF8'), true, false, '') AS x`),
    q('dynamic', 'ts_stat runs SQL text', `SELECT * FROM ts_stat('SELECT to_tsvector(sku) FROM ' || ${B_ITEM_DYN})`),
    q('dynamic', 'query_to_xml of a data-modifying WITH', `SELECT query_to_xml('WITH d AS (UPDATE ' || ${B_ITEM_DYN} || ' SET sku = ''pwned'' RETURNING sku) SELECT * FROM d', true, false, '') AS x`, false),
    q('dynamic', 'table_to_xml of a regclass', `SELECT table_to_xml((${B_ITEM_DYN})::regclass, true, false, '') AS x`),
    q('dynamic', 'database_to_xml of everything visible', "SELECT database_to_xml(true, false, '') AS x"),
    // SQL passed as a bound parameter.
    q('parameter', 'query_to_xml($1)', "SELECT query_to_xml($1, true, false, '') AS x", true, ['SELECT sku FROM tenant_beta."Item"']),
    q('parameter', 'query_to_xml($1) with a DELETE', "SELECT query_to_xml($1::text, true, false, '') AS x", false, ['WITH d AS (DELETE FROM tenant_beta."Note" RETURNING body) SELECT * FROM d']),
    { family: 'parameter', name: 'tagged template into query_to_xml', mode: 'tagged', sql: ['SELECT query_to_xml(', ", true, false, '') AS x"], params: ['SELECT sku FROM tenant_beta."Item"'], read: true },
    { family: 'parameter', name: 'tagged template into ts_stat', mode: 'tagged', sql: ['SELECT * FROM ts_stat(', ')'], params: ['SELECT to_tsvector(sku) FROM tenant_beta."Item"'], read: true },
    q('parameter', 'table_to_xml($1::regclass)', "SELECT table_to_xml($1::regclass, true, false, '') AS x", true, ['tenant_beta."Item"']),
    // Functions on the shared schema (public.read_any is an app-owned SECURITY INVOKER helper).
    q('function', 'app helper running SQL text as the invoker', `SELECT * FROM public.read_any('SELECT sku FROM ' || ${B_ITEM_DYN})`),
    q('function', 'app helper running an UPDATE … RETURNING', `SELECT * FROM public.read_any('UPDATE ' || ${B_ITEM_DYN} || ' SET sku = ''pwned'' RETURNING sku')`, false),
    e('function', 'SECURITY DEFINER function in the shared schema', "CREATE FUNCTION public.steal() RETURNS SETOF text LANGUAGE sql SECURITY DEFINER AS 'SELECT sku FROM tenant_beta/**/.\"Item\"'"),
    e('function', 'function in its own schema', "CREATE FUNCTION tenant_acme.steal() RETURNS int LANGUAGE sql AS 'SELECT 1'"),
    e('function', 'temporary function', "CREATE FUNCTION pg_temp.steal() RETURNS int LANGUAGE sql AS 'SELECT 1'"),
    e('function', 'replace the app helper', "CREATE OR REPLACE FUNCTION public.read_any(q text) RETURNS SETOF text LANGUAGE sql SECURITY DEFINER AS 'SELECT q'"),
    e('function', 'make the app helper SECURITY DEFINER', 'ALTER FUNCTION public.read_any(text) SECURITY DEFINER'),
    e('function', 'view in its own schema over beta', 'CREATE VIEW tenant_acme.v AS SELECT * FROM tenant_beta/**/."Item"'),
    e('function', 'table in the shared schema', 'CREATE TABLE public.stolen AS SELECT 1 AS x'),
    e('function', 'write a shared table', `UPDATE public."Plan" SET name = 'pwned'`),
    // set_config, also with a computed name.
    q('set_config', "set_config('role') then query_to_xml", `SELECT set_config('role', session_user, true) AS r, query_to_xml('SELECT sku FROM ' || ${B_ITEM_DYN}, true, false, '') AS x`),
    q('set_config', 'set_config with a computed name', `SELECT set_config(chr(114) || 'ole', session_user, true) AS r, query_to_xml('SELECT sku FROM ' || ${B_ITEM_DYN}, true, false, '') AS x`),
    steps('set_config', 'session search_path then an unqualified read', ["SELECT set_config('search_' || 'path', 'tenant_' || 'beta', false) AS p", 'SELECT sku FROM "Item"']),
    q('set_config', 'U& escaped role name for set_config', "SELECT pg_catalog.set_config(U&'\\0072ole', session_user, false) AS r", false),
    e('set_config', 'session statement_timeout for the next user', "SELECT set_config('statement_timeout', '1', false)"),
    // Role changes inside the text.
    tx('role', 'RESET ROLE, then a read', ['RESET ROLE', `SELECT sku FROM ${B_ITEM}`]),
    tx('role', 'SET ROLE to the session user, then a write', ['SET ROLE NONE', `UPDATE ${B_ITEM} SET sku = 'pwned'`], false),
    steps('role', 'RESET ROLE as its own call, then a read', ['RESET ROLE', `SELECT sku FROM ${B_ITEM}`]),
    tx('role', "SET ROLE to beta's own role, then an unqualified read", [`SET ROLE "${betaRole}"`, 'SELECT sku FROM "Item"']),
    e('role', 'RESET ROLE inside a DO block, then EXECUTE', `DO $$ BEGIN RESET ROLE; EXECUTE 'UPDATE ' || ${B_ITEM_DYN} || ' SET sku = ''pwned'''; END $$`),
    q('role', 'SET ROLE through query_to_xml, then a read', `SELECT query_to_xml('SET ROLE NONE', true, false, '') AS a, query_to_xml('SELECT sku FROM ' || ${B_ITEM_DYN}, true, false, '') AS b`),
    steps('role', 'SET SESSION AUTHORIZATION, then a read', [`SET SESSION AUTHORIZATION "${betaRole}"`, `SELECT sku FROM ${B_ITEM}`]),
    tx('role', 'SET SESSION AUTHORIZATION in a transaction, then a write', [`SET SESSION AUTHORIZATION "${betaRole}"`, `DELETE FROM ${B_NOTE}`], false),
    // Several statements in one string, and state left for the next user of the connection.
    e('multi', 'COMMIT, then change search_path', 'SELECT 1; COMMIT; SET U&"search\\005fpath" TO tenant_beta'),
    q('multi', 'COMMIT, then a read outside the transaction', `COMMIT; SELECT sku FROM ${B_ITEM}`),
    tx('multi', 'COMMIT in a transaction, then a read', ['COMMIT', `SELECT sku FROM ${B_ITEM}`]),
    e('multi', 'two writes in one string', `UPDATE "Item" SET sku = sku; DELETE FROM ${B_NOTE}`),
    e('session', 'session search_path through a U& name', 'SET U&"search\\005fpath" TO tenant_beta'),
    e('session', 'session advisory lock', 'SELECT pg_advisory_lock(4242)'),
    e('session', 'LISTEN', 'LISTEN strata_evil'),
    steps('session', 'cursor WITH HOLD over beta, fetched later', [`DECLARE c CURSOR WITH HOLD FOR SELECT query_to_xml('SELECT sku FROM ' || ${B_ITEM_DYN}, true, false, '') AS x`, 'FETCH ALL FROM c']),
    e('session', 'PREPARE left for the next user', 'PREPARE steal AS SELECT sku FROM "Item"'),
    e('session', 'read-only default for the next user', 'SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY'),
    e('session', 'temporary table shadowing a shared one', 'CREATE TEMP TABLE "Plan" (id int, name text)'),
    e('session', 'SET SESSION AUTHORIZATION left for the next user', `SET SESSION AUTHORIZATION "${betaRole}"`),
  ];
}
