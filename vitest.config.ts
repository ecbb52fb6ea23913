import { defineConfig } from 'vitest/config';

// Two projects: `unit` is pure and needs no servers; `integration` talks to the real PostgreSQL and
// Redis on this machine (TEST_DATABASE_URL, TEST_REDIS_URL), to simulators over real HTTP, and to
// child processes of the CLI.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
