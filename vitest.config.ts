import { defineConfig } from 'vitest/config'
import LongFirstSequencer from './test/support/longFirstSequencer.ts'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/support/globalSetup.ts'],
    sequence: { sequencer: LongFirstSequencer },
  },
})
