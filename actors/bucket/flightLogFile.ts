/**
 * The original's checks of a flight log before upload, with its error strings: the extension
 * (`.ulg` or `.bag`, any case) of the name it will carry, and the content: present, not empty, at
 * most 2 GiB, and starting with the format's magic bytes (ULog: `ULog\x01\x12\x35` then version
 * byte 0x01; ROS bag: `#ROSBAG`).
 */
import { open, stat } from 'node:fs/promises'
import { extname } from 'node:path'

/** Extensions a flight log may have. */
export const ALLOWED_EXTENSIONS = ['.ulg', '.bag'] as const

/** Largest file accepted, bytes (2 GiB). */
export const MAX_FILE_BYTES = 2 * 1024 ** 3

const ULOG_MAGIC = Buffer.from([0x55, 0x4c, 0x6f, 0x67, 0x01, 0x12, 0x35])
const ROSBAG_MAGIC = Buffer.from('#ROSBAG', 'ascii')

/** The content type of an allowed name, or undefined when its extension is not allowed. */
export function contentTypeOf(name: string): 'application/x-ulog' | 'application/x-rosbag' | undefined {
  const ext = extname(name).toLowerCase()
  return ext === '.ulg' ? 'application/x-ulog' : ext === '.bag' ? 'application/x-rosbag' : undefined
}

/** Checks the file's content; returns its size, or the original's message of what is wrong. */
export async function checkFlightLog(
  path: string,
  name: string,
): Promise<{ size: number } | { problem: string }> {
  let size: number
  try {
    const st = await stat(path)
    if (!st.isFile()) return { problem: 'File does not exist' }
    size = st.size
  } catch {
    return { problem: 'File does not exist' }
  }
  if (size === 0) return { problem: 'File is empty' }
  if (size > MAX_FILE_BYTES) return { problem: 'File too large (max 2 GiB)' }
  const head = Buffer.alloc(8)
  const fh = await open(path, 'r')
  try {
    await fh.read(head, 0, 8, 0)
  } finally {
    await fh.close()
  }
  if (contentTypeOf(name) === 'application/x-ulog') {
    if (!head.subarray(0, 7).equals(ULOG_MAGIC) || head[7] !== 0x01)
      return { problem: 'Invalid ULog header (magic/version mismatch)' }
  } else if (!head.subarray(0, 7).equals(ROSBAG_MAGIC)) {
    return { problem: "Invalid ROS bag header (expected '#ROSBAG')" }
  }
  return { size }
}
