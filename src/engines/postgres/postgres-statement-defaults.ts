/** Driver-free defaults of the statement cache, so reading options never loads `pg`. */

/** Prepared statements kept per connection by default (Prisma's `statement_cache_size` default too). */
export const DEFAULT_STATEMENT_CACHE_SIZE = 100;
