/**
 * Durability (issue 5): a child process writing in a loop is killed with SIGKILL at a random
 * moment (mid-write, mid-checkpoint); on reopen, every write whose call had returned is present.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createLocalDbProxy } from '../../../actors/localdb/createLocalDbProxy.ts'

const fixture = new URL('./fixtures/writeLoop.ts', import.meta.url).pathname

async function runAndKill(path: string, afterWrites: number): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, path], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString()
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.split('\n').length > afterWrites + 2) resolve()
    })
    child.once('exit', (code) => reject(new Error(`writer exited early (${code}): ${err}`)))
  })
  child.kill('SIGKILL')
  await exited
  return out
    .split('\n')
    .filter((l) => /^\d+$/.test(l))
    .map(Number)
}

describe('local DB survives kill -9', () => {
  it('every write that returned before SIGKILL is present after reopening', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'petal-kill9-')), 'petal.db')
    for (const [round, after] of [250, 150].entries()) {
      const acked = await runAndKill(path, after)
      expect(acked.length).toBeGreaterThanOrEqual(after)
      const { db, close, health } = await createLocalDbProxy({ path })
      const journal = (await health()).journal as { recovered_records: number }
      // checkpoints ran while the writer ran, so only the tail after the last one was replayed
      expect(journal.recovered_records).toBeLessThan(acked.length)
      const present = new Set((await db.fetchAll('SELECT n FROM w')).map((r) => Number(r.n)))
      const missing = acked.filter((n) => !present.has(n))
      expect(missing, `round ${round}: returned but lost`).toEqual([])
      await close()
      if (round === 0) {
        // the next writer continues after what is there (its n restarts at 1, so clear the table)
        const again = await createLocalDbProxy({ path })
        await again.db.executeQuery('DELETE FROM w')
        await again.close()
      }
    }
  }, 60_000)
})
