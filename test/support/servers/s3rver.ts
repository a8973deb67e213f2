/**
 * s3rver 3.7.1 for tests, as its own process on a free port with one bucket. It runs with
 * `NODE_OPTIONS=--openssl-legacy-provider` (its continuation tokens use DES, which OpenSSL 3
 * refuses otherwise); clients must set `forcePathStyle` and `requestChecksumCalculation:
 * "WHEN_REQUIRED"` (it stores aws-chunked framing of streamed bodies as data otherwise).
 * Objects live in a temp dir, so they survive `kill9()` + `restart()`.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ServerProcess, startServer } from './serverProcess.ts'

const cli = fileURLToPath(new URL('../../../node_modules/s3rver/bin/s3rver.js', import.meta.url))

/** A running s3rver and how to reach it. */
export interface S3rverServer extends ServerProcess {
  readonly endpoint: string
  readonly bucket: string
  readonly directory: string
}

/** Starts s3rver with `bucket` created. */
export async function startS3rver(options: { bucket?: string } = {}): Promise<S3rverServer> {
  const directory = mkdtempSync(join(tmpdir(), 'petal-s3rver-'))
  const bucket = options.bucket ?? 'petal-test-bucket'
  const server = await startServer({
    name: 's3rver',
    command: process.execPath,
    args: (port) => [
      cli,
      '-d',
      directory,
      '-a',
      '127.0.0.1',
      '-p',
      String(port),
      '--silent',
      '--configure-bucket',
      bucket,
    ],
    env: { NODE_OPTIONS: '--openssl-legacy-provider' },
  })
  return Object.assign(server, { endpoint: `http://127.0.0.1:${server.port}`, bucket, directory })
}
