/**
 * `pglite-prisma-adapter`'s `PrismaPGlite`. In dist this module is replaced by a bundle of the
 * package (scripts/build-vendor.mjs): the package declares `@prisma/client` as a required peer,
 * which npm would install into every app (72 MB) though the adapter never imports it; Strata ships
 * the client runtime generated clients need itself (`strata-db/prisma-runtime`). From the sources,
 * the package itself (a dev dependency).
 */
export { PrismaPGlite } from 'pglite-prisma-adapter';
