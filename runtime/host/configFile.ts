/**
 * Writes enable/disable decisions back to the YAML config file, keeping its comments, key order
 * and style: only the items of the one list change (removed items vanish, new ones are appended).
 * The file is re-read before each change, so hand edits made meanwhile survive, and written
 * atomically (temporary file, fsync, rename), so a crash never leaves half a config.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { isMap, isScalar, isSeq, parseDocument } from 'yaml'

/** The lists the control API edits. */
export type ListKey = 'enabled_petals' | 'enabled_proxies' | 'startup_petals'

/**
 * Sets `key` to `names` in the YAML file at `path`, editing the existing list in place.
 *
 * @category config
 */
export function writeList(path: string, key: ListKey, names: readonly string[]): void {
  const doc = parseDocument(readFileSync(path, 'utf8'))
  if (doc.errors.length > 0) throw new Error(`${path} is not valid YAML any more: ${doc.errors[0]!.message}`)
  if (doc.contents === null || !isMap(doc.contents)) doc.contents = doc.createNode({}) as never
  const node = doc.get(key, true)
  if (isSeq(node)) {
    for (let i = node.items.length - 1; i >= 0; i--) {
      const item = node.items[i]
      const value = isScalar(item) ? String(item.value) : undefined
      if (value === undefined || !names.includes(value)) node.items.splice(i, 1)
    }
    const kept = node.items.map((item) => (isScalar(item) ? String(item.value) : ''))
    for (const n of names) if (!kept.includes(n)) node.items.push(doc.createNode(n))
  } else {
    doc.set(key, doc.createNode([...names]))
  }
  atomicWrite(path, doc.toString())
}

function atomicWrite(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`
  const fd = openSync(tmp, 'w')
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, path)
}
