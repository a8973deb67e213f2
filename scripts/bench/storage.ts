/**
 * Storage benchmark (issue 5), `npm run bench -- storage`: the local DB rows
 * (`storageLocalDb.ts`) and the S3 row (`storageBucket.ts`), each beside its baseline measured in
 * the same run.
 */
import type { BenchOptions, BenchResult } from './harness.ts'
import { bucketRows } from './storageBucket.ts'
import { localDbRows } from './storageLocalDb.ts'

export async function storageBench(opts: BenchOptions): Promise<BenchResult> {
  return { bench: 'storage', rows: [...(await localDbRows(opts.quick)), ...(await bucketRows(opts.quick))] }
}
