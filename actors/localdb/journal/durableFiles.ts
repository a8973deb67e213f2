/**
 * The file operations durability rests on: an append that resolves only once the bytes are on disk
 * (`write` + `fdatasync`), a directory fsync (so a created, renamed or deleted name survives a
 * power cut), and the atomic replacement of a file (temp file, fsync, rename, fsync of the dir).
 */
import { closeSync, fdatasync, fstatSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs'
import { open, rename, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'

/** Fsyncs a directory so the names in it are durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** An open file that is only ever appended to. */
export class AppendFile {
  private fd: number | undefined
  private size: number

  /** Opens (or creates) `path` for appending. */
  constructor(readonly path: string) {
    this.fd = openSync(path, 'a')
    this.size = fstatSync(this.fd).size
  }

  get bytes(): number {
    return this.size
  }

  /**
   * Writes `buf` at the end and resolves once it is on disk. The write goes to the page cache at
   * once; the fdatasync runs off the event loop, so timers and I/O go on while the disk works. On
   * failure the file is cut back to its previous length before the error is rethrown.
   */
  async append(buf: Buffer): Promise<void> {
    const fd = this.fd
    if (fd === undefined) throw new Error(`${this.path} is closed`)
    const before = this.size
    try {
      let written = 0
      while (written < buf.length) written += writeSync(fd, buf, written, buf.length - written)
      this.size += buf.length
      await new Promise<void>((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())))
    } catch (e) {
      // the record must not be half there, nor there unconfirmed: cut it off (best effort; a
      // torn tail left behind is dropped at the next open anyway)
      try {
        ftruncateSync(fd, before)
        this.size = before
      } catch {
        // the reopen after this failure finds and drops the tail
      }
      throw e
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }
}

/** Replaces `path` with `bytes` atomically: readers see the old file or the new one, never a mix. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`
  const fh = await open(tmp, 'w')
  try {
    await fh.writeFile(bytes)
    await fh.sync()
  } catch (e) {
    await fh.close()
    await unlink(tmp).catch(() => {})
    throw e
  }
  await fh.close()
  await rename(tmp, path)
  fsyncDir(dirname(path))
}
