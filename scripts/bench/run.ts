/**
 * `npm run bench -- [name...] [--json] [--quick]`: runs the named benchmarks (all when none is
 * named). `--json` prints exactly one JSON object per benchmark on stdout (human text on stderr);
 * `--quick` uses small sizes, for CI smoke runs.
 */
import { type BenchOptions, type BenchResult, printTable } from './harness.ts'
import { httpBench } from './http.ts'
import { kernelBench } from './kernel.ts'
import { mavlinkBench } from './mavlink.ts'
import { messagingBench } from './messaging.ts'
import { storageBench } from './storage.ts'

const benches: Record<string, (o: BenchOptions) => Promise<BenchResult>> = {
  kernel: kernelBench,
  messaging: messagingBench,
  mavlink: mavlinkBench,
  storage: storageBench,
  http: httpBench,
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json')
  const quick = argv.includes('--quick')
  const unknownFlag = argv.find((a) => a.startsWith('--') && a !== '--json' && a !== '--quick')
  if (unknownFlag !== undefined) {
    process.stderr.write(`unknown flag ${unknownFlag}; expected --json and/or --quick\n`)
    return 2
  }
  const names = argv.filter((a) => !a.startsWith('--'))
  const unknown = names.filter((n) => !(n in benches))
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown benchmark(s) ${unknown.join(', ')}; expected one of ${Object.keys(benches).join(', ')}\n`,
    )
    return 2
  }
  for (const name of names.length > 0 ? names : Object.keys(benches)) {
    const result = await benches[name]!({ quick })
    printTable(result)
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`)
  }
  return 0
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    process.exit(1)
  },
)
