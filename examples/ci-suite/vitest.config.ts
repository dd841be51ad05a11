import { defineConfig } from 'vitest/config'

// A lab brings containers up: minutes, not seconds, the first time (its images are built once).
export default defineConfig({ test: { testTimeout: 180_000 } })
