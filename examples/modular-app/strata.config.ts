import { defineConfig } from 'strata-db/config';

// The embedded default: PGlite under .data/pglite, nothing to install.
// Set STRATA_ENGINE=postgres and DATABASE_URL=postgresql://… to run the same app on a server.
export default defineConfig({
  plugins: ['plugins/*'],
  seed: 'database/seed.ts',
});
