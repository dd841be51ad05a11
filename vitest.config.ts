import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['engine/**/*.test.ts', 'reporters/**/*.test.ts', 'bench/**/*.test.ts', 'test/**/*.test.ts'],
    // Builds the lab image once, before any test brings a lab up.
    globalSetup: ['test/global-setup.ts'],
    // testcontainers cannot pull its reaper image where there is no registry; every test cleans up itself.
    env: { TESTCONTAINERS_RYUK_DISABLED: 'true' },
    testTimeout: 10_000,
    hookTimeout: 600_000,
  },
})
