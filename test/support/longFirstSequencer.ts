/**
 * Starts the longest suites first, so on a fresh clone (no vitest timing cache) they overlap with
 * the rest instead of running alone at the end: vitest's own order is by cached duration, else by
 * file size, and the longest suites here are small files (the 60 s chaos run, the quick gates).
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/** Known long suites, longest first (paths relative to the project root). */
const LONG_FIRST = ['test/chaos/chaosRun.test.ts', 'test/gates.test.ts', 'test/e2e/mavlinkCli.test.ts']

function rank(spec: TestSpecification): number {
  const i = LONG_FIRST.findIndex((p) => spec.moduleId.endsWith(p))
  return i === -1 ? LONG_FIRST.length : i
}

/** vitest's sequencer with the known long suites moved to the front. */
export default class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    return sorted
      .map((spec, i) => ({ spec, i }))
      .sort((a, b) => rank(a.spec) - rank(b.spec) || a.i - b.i)
      .map((x) => x.spec)
  }
}
