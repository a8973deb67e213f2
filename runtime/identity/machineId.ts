/**
 * The machine id: `PETAL_MACHINE_ID` when set, else the first line of `/etc/machine-id` (systemd's
 * per-install id). This differs from the original, which ran a bundled native binary hashing the
 * MAC address and OS-disk serial; set `PETAL_MACHINE_ID` to that binary's output to keep the same
 * cloud identity (`Instance-<id>`, S3 keys, DB scoping).
 */
import { readFileSync } from 'node:fs'

/** Where the machine id came from. */
export interface MachineId {
  readonly id: string | undefined
  readonly source: 'PETAL_MACHINE_ID' | '/etc/machine-id' | 'none'
}

/**
 * Resolves the machine id.
 *
 * @example
 * readMachineId(process.env).id // '3d1219c7c4c5404aaa1f6d2a48adfda4'
 *
 * @category identity
 */
export function readMachineId(
  env: Readonly<Record<string, string | undefined>>,
  file = '/etc/machine-id',
): MachineId {
  const fromEnv = env.PETAL_MACHINE_ID?.trim()
  if (fromEnv) return { id: fromEnv, source: 'PETAL_MACHINE_ID' }
  try {
    const id = readFileSync(file, 'utf8').split('\n')[0]?.trim()
    if (id) return { id, source: '/etc/machine-id' }
  } catch {
    // no such file: no machine id
  }
  return { id: undefined, source: 'none' }
}
