/**
 * Debian's `redis-cli` as an independent peer of the redis proxy: one-shot commands, and a
 * `SUBSCRIBE` process whose received messages are collected, stopped by PID.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { hasCommand } from '../servers/serverProcess.ts'

function requireCli(): void {
  if (!hasCommand('redis-cli'))
    throw new Error('redis-cli is not installed (Debian package redis-tools; npm test installs it as root)')
}

/** Runs one redis-cli command; returns its stdout, trimmed. Throws on a non-zero exit. */
export function redisCli(port: number, ...args: string[]): string {
  requireCli()
  const r = spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', timeout: 5000 })
  if (r.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${r.stderr}`)
  return r.stdout.trim()
}

/** A `redis-cli SUBSCRIBE` process. */
export interface CliSubscriber {
  /** Messages received so far, in order. */
  readonly messages: string[]
  /** Resolves once `n` messages arrived (rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<string[]>
  stop(): void
}

/** Starts `redis-cli SUBSCRIBE channel`; resolves once the subscription is confirmed. */
export async function redisCliSubscribe(port: number, channel: string): Promise<CliSubscriber> {
  requireCli()
  const child: ChildProcess = spawn('redis-cli', ['-p', String(port), '--no-raw', 'SUBSCRIBE', channel], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const messages: string[] = []
  let buffer = ''
  let confirmed: () => void = () => {}
  const ready = new Promise<void>((resolve) => {
    confirmed = resolve
  })
  // --no-raw prints each push as numbered lines: 1) "message" 2) "<channel>" 3) "<payload>".
  let pending: string[] = []
  child.stdout?.on('data', (d: Buffer) => {
    buffer += d.toString()
    const lines = buffer.split('\n')
    buffer = lines.pop() ?? ''
    for (const line of lines) {
      const m = /^\d\) (.*)$/.exec(line.trim())
      if (m === null) continue
      const text = m[1]!.startsWith('"') ? (JSON.parse(m[1]!) as string) : m[1]!
      pending.push(text)
      if (pending.length === 3) {
        if (pending[0] === 'subscribe') confirmed()
        else if (pending[0] === 'message') messages.push(pending[2]!)
        pending = []
      }
    }
  })
  await Promise.race([
    ready,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error('redis-cli SUBSCRIBE not confirmed')), 5000),
    ),
  ])
  return {
    messages,
    waitFor: async (n, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs
      while (messages.length < n) {
        if (Date.now() > deadline) throw new Error(`redis-cli got ${messages.length} of ${n} messages`)
        await new Promise((r) => setTimeout(r, 10))
      }
      return messages
    },
    stop: () => {
      child.kill('SIGKILL')
    },
  }
}
