/**
 * Contracts of composition: what compose and lint return, and the input of the pure core.
 */
import type { Runtime } from '../config/runtimes.js';
import type { Engine } from '../engines/capabilities.js';

/** One finding about a fragment, located in the fragment the user wrote (never the composed file). */
export interface Diagnostic {
  /** Stable kebab-case rule id, e.g. `duplicate-definition`, `prisma-validation`. */
  rule: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** Absolute path of the fragment (or of a composed file for a fault in Strata's own header). */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** What to do about it. */
  hint?: string;
  /** Other places involved, e.g. the first definition of a duplicate. */
  related?: Array<{ file: string; line: number; column: number }>;
}

/**
 * Coupling across owners: a model of `from` has a field whose type (a model, or an enum when
 * `kind` is `'enum'`) is owned by `to`.
 */
export interface CouplingEdge {
  /** Plugin name, or `'app'`. */
  from: string;
  /** Plugin name, or `'app'`. */
  to: string;
  /** The model holding the relation field. */
  model: string;
  field: string;
  targetModel: string;
  /** Absolute fragment path of the field. */
  file: string;
  line: number;
  /** `'relation'` (a field whose type is a model or view) or `'enum'`. Default (absent): `'relation'`. */
  kind?: 'relation' | 'enum';
}

/** One definition in the composed schema. */
export interface ComposedModel {
  name: string;
  kind: 'model' | 'enum' | 'type' | 'view';
  /** Plugin name, or `'app'`. */
  owner: string;
  /**
   * Database schema on `schema` engines (`plugin_billing`, `public`); table prefix on
   * `prefix` engines (`billing_`, `''` for the app); `''` for composite types.
   */
  namespace: string;
  /** The table (or enum) name in the database, after `@@map` and prefixing. */
  tableName: string;
  /** Absolute fragment path. */
  file: string;
  line: number;
}

/** What {@link compose} returns. */
export interface ComposeResult {
  /** `false` when the cache matched and nothing was written. */
  changed: boolean;
  /** Content hash of the inputs (sha256, hex). */
  hash: string;
  /** The composed folder (`config.composedDir`). */
  dir: string;
  /** Absolute paths of the composed `.prisma` files, sorted. */
  files: string[];
  models: ComposedModel[];
  coupling: CouplingEdge[];
  /** Findings that did not stop composition (severity `warning`). */
  warnings: Diagnostic[];
}

/** What {@link lint} returns. */
export interface LintReport {
  /** `true` when no diagnostic has severity `error`. */
  ok: boolean;
  /** Rule violations (error), warnings, and one `cross-plugin-relation` info per coupling edge. */
  diagnostics: Diagnostic[];
  coupling: CouplingEdge[];
  models: ComposedModel[];
}

/** A fragment as text. `path` is what diagnostics report (compose passes absolute paths). */
export interface SourceFile {
  path: string;
  content: string;
}

/** Input of the pure core {@link composeSources}. */
export interface ComposeSourcesInput {
  engine: Engine;
  /** Schema of the app's models on `schema` engines. Default: the engine's `defaultAppSchema`. */
  appNamespace?: string | undefined;
  /** The app's fragments (owner `'app'`). */
  app: SourceFile[];
  /**
   * Each plugin's fragments. A `tenantScoped` plugin's models and enums go into the tenant
   * placeholder schema (`__strata_tenant__`) instead of `plugin_<name>` (default `false`).
   */
  plugins: Array<{ name: string; files: SourceFile[]; tenantScoped?: boolean }>;
  /** Folder that source paths are shown relative to in composed headers and messages. Default: paths as given. */
  root?: string;
  /** Datasource and generator settings from the config. Default: none. */
  settings?: ComposeSettings;
}

/** What the composed datasource and generator blocks carry besides provider and schemas. */
export interface ComposeSettings {
  /** PostgreSQL extensions (the datasource's `extensions`; adds the `postgresqlExtensions` preview feature). */
  extensions?: Array<{ name: string; schema?: string | undefined; version?: string | undefined }>;
  /** The generator's `previewFeatures` (besides those Strata adds itself). */
  previewFeatures?: string[];
  /** The datasource's `relationMode`. */
  relationMode?: 'foreignKeys' | 'prisma';
  /** The generator's `runtime` (see `StrataConfig.runtime`). Default `'nodejs'`. */
  runtime?: Runtime;
}

/** Where a composed line came from: a fragment path and 1-based line. */
export interface LineOrigin {
  file: string;
  line: number;
  /** Set on lines Strata added (namespace attributes, back-relations): columns do not map. */
  injected?: boolean;
}

/**
 * A run of `count` composed lines starting at composed line `start` (1-based) that came from
 * consecutive lines of `file` starting at `line`. Strata's own header lines have no segment.
 */
export interface LineSegment extends LineOrigin {
  start: number;
  count: number;
}

/** Composed file path (relative to the composed folder) → its segments, ordered by `start`. */
export type LineMap = Map<string, LineSegment[]>;

/** Output of the pure core {@link composeSources}. */
export interface ComposeSourcesOutput {
  /** Composed files, `path` relative to the composed folder (`schema.prisma`, `app.prisma`, `plugins/x.prisma`). */
  files: Array<{ path: string; content: string }>;
  /**
   * Strata rule findings (errors), warnings, and one `cross-plugin-relation` info per
   * coupling edge; Prisma's validation is separate (`validateComposed`).
   */
  diagnostics: Diagnostic[];
  models: ComposedModel[];
  coupling: CouplingEdge[];
  /** Where each composed line came from; look lines up with `originOf`. */
  lineMap: LineMap;
}

/** One file of a (multi-file) Prisma schema: `[path, content]`. Paths only label diagnostics. */
export type SchemaFile = readonly [path: string, content: string];
