/**
 * AWS's DynamoDB Local 1.25.1 for tests, as a Java 17 process on a free port. The jar ships inside
 * the npm tarball of `amplify-dynamodb-simulator@2.9.30`; the first use fetches it with `npm pack`
 * (about 56 MB) and extracts `package/emulator/` into `node_modules/.cache/dynamodb-local/`, once
 * (an atomic rename makes parallel first uses safe). In memory by default; `persistent: true`
 * keeps tables in a temp dir so they survive `kill9()` + `restart()`.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ServerProcess, startServer } from './serverProcess.ts'

const PACKAGE = 'amplify-dynamodb-simulator@2.9.30'
const cache = fileURLToPath(new URL('../../../node_modules/.cache/dynamodb-local/', import.meta.url))
const emulator = join(cache, '1.25.1')

/** A running DynamoDB Local and how to reach it. */
export interface DynamoDbLocal extends ServerProcess {
  readonly endpoint: string
}

/** The emulator's directory, fetched on first use. */
export function ensureDynamoDbLocal(): string {
  if (existsSync(join(emulator, 'DynamoDBLocal.jar'))) return emulator
  mkdirSync(cache, { recursive: true })
  const work = mkdtempSync(join(cache, 'fetch-'))
  try {
    execFileSync('npm', ['pack', PACKAGE, '--pack-destination', work, '--silent'], {
      stdio: 'pipe',
      timeout: 180_000,
    })
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'))
    if (tgz === undefined) throw new Error(`npm pack ${PACKAGE} produced no tarball`)
    execFileSync('tar', ['xzf', join(work, tgz), '-C', work, 'package/emulator'], { stdio: 'pipe' })
    try {
      renameSync(join(work, 'package', 'emulator'), emulator)
    } catch (e) {
      if (!existsSync(join(emulator, 'DynamoDBLocal.jar'))) throw e
    }
  } catch (e) {
    throw new Error(
      `DynamoDB Local could not be fetched (npm pack ${PACKAGE}, then tar): ${(e as Error).message}`,
    )
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  return emulator
}

/** Starts DynamoDB Local on a free loopback port. */
export async function startDynamoDbLocal(options: { persistent?: boolean } = {}): Promise<DynamoDbLocal> {
  const dir = ensureDynamoDbLocal()
  const data = options.persistent ? mkdtempSync(join(tmpdir(), 'petal-ddb-')) : undefined
  const server = await startServer({
    name: 'DynamoDB Local',
    command: 'java',
    debianPackage: 'openjdk-17-jre-headless',
    cwd: dir,
    startTimeoutMs: 60_000,
    args: (port) => [
      '-Xms64m',
      '-Xmx512m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-port',
      String(port),
      ...(data === undefined ? ['-inMemory'] : ['-sharedDb', '-dbPath', data]),
    ],
  })
  return Object.assign(server, { endpoint: `http://127.0.0.1:${server.port}` })
}
