/**
 * A serial line for tests: Debian `socat` joins two pseudo-terminals (`pty,raw,echo=0`), so one
 * program opens `a` and another opens `b` as if they were the two ends of a cable. Stopped by PID.
 * A missing socat fails the test with the package to install.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hasCommand } from './serverProcess.ts'

/** A running pty pair. */
export interface PtyPair {
  readonly a: string
  readonly b: string
  readonly pid: number | undefined
  stop(): Promise<void>
}

/** Starts `socat` with two linked ptys; resolves once both paths exist. */
export async function startPtyPair(timeoutMs = 5_000): Promise<PtyPair> {
  if (!hasCommand('socat'))
    throw new Error('socat is not installed (install the Debian package socat; npm test does it as root)')
  const dir = mkdtempSync(join(tmpdir(), 'petal-pty-'))
  const a = join(dir, 'a')
  const b = join(dir, 'b')
  const child: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let output = ''
  child.stderr?.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-4000)
  })
  const deadline = Date.now() + timeoutMs
  while (!(existsSync(a) && existsSync(b))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`socat did not create the pty pair within ${timeoutMs} ms:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 20))
  }
  return {
    a,
    b,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGTERM')
      await gone
    },
  }
}
