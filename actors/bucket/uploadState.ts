/**
 * What a resumable upload remembers on disk between attempts (and across restarts): the upload id,
 * the key, the part size and the ETag of every part S3 has confirmed. One small JSON file per
 * upload in the state dir, named by a hash of the file (real path, size, mtime) and the requested
 * name, rewritten atomically after each part. A file that changed since is a new upload.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The persisted state of one multipart upload. */
export interface UploadState {
  readonly uploadId: string
  readonly key: string
  readonly partSize: number
  readonly size: number
  /** part number to ETag */
  readonly parts: Record<string, string>
}

/** The state file of an upload of `file` (identified by path, size, mtime) under `name`. */
export function stateFileFor(
  stateDir: string,
  identity: { path: string; size: number; mtimeMs: number; name: string },
): string {
  const h = createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32)
  return join(stateDir, `${h}.json`)
}

/** Loads a state file; undefined when absent or unreadable. */
export function loadState(file: string): UploadState | undefined {
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as UploadState
    return typeof s.uploadId === 'string' && typeof s.key === 'string' && typeof s.parts === 'object'
      ? s
      : undefined
  } catch {
    return undefined
  }
}

/** Saves a state file atomically. */
export function saveState(file: string, state: UploadState): void {
  mkdirSync(join(file, '..'), { recursive: true })
  const tmp = `${file}.tmp`
  writeFileSync(tmp, JSON.stringify(state))
  renameSync(tmp, file)
}

/** Forgets an upload. */
export function dropState(file: string): void {
  try {
    unlinkSync(file)
  } catch {
    // already gone
  }
}
