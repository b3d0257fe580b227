import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { isStrataError } from '../../../src/errors.js';
import { disablePrismaTracing, enableInstrumentation, enablePrismaTracing, isPrismaTracingEnabled } from '../../../src/tracing/index.js';
import { setPackageLoaderForTests } from '../../../src/tracing/instrumentation-package.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as Record<string, Record<string, string>>;
// A folder with no node_modules: resolution fails there exactly as in an app without the packages.
const empty = mkdtempSync(join(tmpdir(), 'strata-no-otel-'));
const requireFromEmpty = createRequire(join(empty, 'app.js'));
let restore: (() => void) | undefined;

afterEach(() => {
  restore?.();
  restore = undefined;
  disablePrismaTracing();
});
after(() => rmSync(empty, { recursive: true, force: true }));

describe('tracing packages are optional peers', () => {
  test('they are not among the dependencies an app installs', () => {
    for (const name of ['@prisma/instrumentation', '@opentelemetry/api']) {
      assert.equal(pkg['dependencies']?.[name], undefined, `${name} is a dependency`);
      assert.ok(pkg['peerDependencies']?.[name], `${name} is not a peer`);
      assert.deepEqual(pkg['peerDependenciesMeta']?.[name], { optional: true });
    }
  });

  test('enablePrismaTracing without them fails with one error naming the exact npm install', () => {
    restore = setPackageLoaderForTests(requireFromEmpty);
    const error: unknown = (() => {
      try {
        enablePrismaTracing();
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    assert.ok(isStrataError(error), `not a StrataError: ${String(error)}`);
    assert.equal(error.code, 'PACKAGE_NOT_INSTALLED');
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /@prisma\/instrumentation and @opentelemetry\/api/);
    const install = `npm install @prisma/instrumentation@${pkg['peerDependencies']?.['@prisma/instrumentation']} @opentelemetry/api@${pkg['peerDependencies']?.['@opentelemetry/api']}`;
    assert.equal(error.hint, `Install them in your project: ${install}`);
    assert.equal(isPrismaTracingEnabled(), false);
  });

  test('a missing @prisma/instrumentation alone gives the same error', () => {
    restore = setPackageLoaderForTests((name) => (name === '@opentelemetry/api' ? {} : requireFromEmpty(name)));
    assert.throws(() => enablePrismaTracing(), (e: unknown) => isStrataError(e) && e.code === 'PACKAGE_NOT_INSTALLED');
  });

  test('OTEL_ENABLED without them logs that error once and keeps the app running untraced', () => {
    restore = setPackageLoaderForTests(requireFromEmpty);
    const warnings: string[] = [];
    const traced = enableInstrumentation({ env: { OTEL_ENABLED: 'true' }, logger: { warn: (m) => warnings.push(m) } });
    assert.equal(traced, false);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /needs @prisma\/instrumentation and @opentelemetry\/api.* npm install @prisma\/instrumentation@\S+ @opentelemetry\/api@\S+$/);
    assert.equal(isPrismaTracingEnabled(), false);
  });

  test('another load failure is not reported as a missing package', () => {
    restore = setPackageLoaderForTests(() => {
      throw new SyntaxError('Unexpected token');
    });
    assert.throws(() => enablePrismaTracing(), SyntaxError);
  });

  test('installed, they load on first use', () => {
    enablePrismaTracing();
    assert.equal(isPrismaTracingEnabled(), true);
  });
});
