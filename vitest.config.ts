import { defineConfig } from 'vitest/config'

// Two projects: `unit` needs no Docker and runs in seconds (`npm run test:unit`); `integration` brings real labs
// up and shares one lab image, built once by its global setup. `npm test` runs both.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'engine/**/*.test.ts',
            'reporters/**/*.test.ts',
            'bench/**/*.test.ts',
            'commands/**/*.test.ts',
            'services/**/*.test.ts',
            'ui/**/*.test.ts',
            'test/unit/**/*.test.ts',
          ],
          testTimeout: 10_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**'],
          // Builds the lab image once, before any test brings a lab up.
          globalSetup: ['test/global-setup.ts'],
          // testcontainers cannot pull its reaper image where there is no registry; every test cleans up itself.
          env: { TESTCONTAINERS_RYUK_DISABLED: 'true' },
          testTimeout: 10_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
})
