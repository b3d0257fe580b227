/**
 * `@electric-sql/pglite-socket`'s wire-protocol handler, the one part of that package `strata dev`
 * uses. In dist this module is replaced by a bundle of the package (scripts/build-vendor.mjs): the
 * package declares seven PGlite extension packages and an exact `@electric-sql/pglite` as required
 * peers, which npm would install into every app (about 1.4 MB) though the handler imports only
 * `node:net`. From the sources, the package itself (a dev dependency).
 */
export { PGLiteSocketHandler } from '@electric-sql/pglite-socket';
