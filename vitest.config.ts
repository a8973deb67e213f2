import { defineConfig } from 'vitest/config'
import LongFirstSequencer from './test/support/longFirstSequencer.ts'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest runs cores - 1 files at once: one on the 2-core machine. The suites mostly wait on
    // servers and child processes, so two at once halve the wall time without starving either.
    maxWorkers: 2,
    globalSetup: ['test/support/globalSetup.ts'],
    sequence: { sequencer: LongFirstSequencer },
  },
})
