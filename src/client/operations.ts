/**
 * Which Prisma client operations only read: the one list replica routing (`runtime/replicas.ts`)
 * and tenant clients (`tenancy/tenant-client.ts`) agree on.
 */

/** Model operations that only read, sent to a replica outside transactions. */
export const READ_OPERATIONS: ReadonlySet<string> = new Set([
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'findUnique',
  'findUniqueOrThrow',
  'count',
  'aggregate',
  'groupBy',
]);

/** Client methods that only read (by convention: a raw write goes through `db.primary()`). */
export const READ_RAW_OPERATIONS: ReadonlySet<string> = new Set(['$queryRaw', '$queryRawUnsafe', '$queryRawTyped']);
