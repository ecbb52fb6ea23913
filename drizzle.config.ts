import { defineConfig } from 'drizzle-kit';

// Migrations are generated from src/db/schema and committed under drizzle/; `metabuyer migrate`
// applies the same files to PostgreSQL or the embedded PGlite.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './drizzle',
  ...(process.env.DATABASE_URL ? { dbCredentials: { url: process.env.DATABASE_URL } } : {}),
});
