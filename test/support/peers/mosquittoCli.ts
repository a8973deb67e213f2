/**
 * Debian's mosquitto clients as independent peers of the mqtt proxy: `mosquitto_pub -l` sends one
 * message per line, and a `mosquitto_sub` process collects every message of a topic (stopped by
 * PID). A missing client fails the test with the package to install.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { hasCommand } from '../servers/serverProcess.ts'

function requireCli(bin: string): void {
  if (!hasCommand(bin))
    throw new Error(
      `${bin} is not installed (Debian package mosquitto-clients; npm test installs it as root)`,
    )
}

/** Publishes each message (one line each) with `mosquitto_pub -l`; resolves when it exits. */
export async function mosquittoPub(
  port: number,
  topic: string,
  messages: readonly string[],
  o: { readonly qos?: 0 | 1 } = {},
): Promise<void> {
  requireCli('mosquitto_pub')
  const child = spawn(
    'mosquitto_pub',
    ['-h', '127.0.0.1', '-p', String(port), '-t', topic, '-q', String(o.qos ?? 1), '-l'],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  )
  let err = ''
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString()
  })
  child.stdin?.end(`${messages.map((m) => m.replaceAll('\n', ' ')).join('\n')}\n`)
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`mosquitto_pub exited ${code}: ${err}`)
}

/** A running `mosquitto_sub`. */
export interface MosquittoSub {
  /** Payloads received, in order. */
  readonly messages: string[]
  /** Payloads parsed as JSON (lines that are not JSON are skipped). */
  json<T = Record<string, unknown>>(): T[]
  /** Resolves once `n` messages arrived; rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs?: number): Promise<string[]>
  stop(): void
}

/**
 * Starts `mosquitto_sub -t topic -q 1`; resolves once the broker acknowledged the subscription.
 * With `clientId`, the session is persistent (`-c -i`): the broker queues messages while the
 * subscriber is away, and mosquitto_sub reconnects by itself.
 */
export async function mosquittoSub(
  port: number,
  topic: string,
  o: { readonly clientId?: string } = {},
): Promise<MosquittoSub> {
  requireCli('mosquitto_sub')
  // stdbuf: mosquitto_sub's debug lines (the SUBACK) are block-buffered on a pipe.
  const child: ChildProcess = spawn(
    'stdbuf',
    [
      '-oL',
      'mosquitto_sub',
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-t',
      topic,
      '-q',
      '1',
      '-d',
      '-F',
      'MSG %p',
      ...(o.clientId === undefined ? [] : ['-c', '-i', o.clientId]),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const messages: string[] = []
  let buffer = ''
  let subscribed: () => void = () => {}
  const ready = new Promise<void>((resolve) => {
    subscribed = resolve
  })
  child.stdout?.on('data', (d: Buffer) => {
    buffer += d.toString()
    const lines = buffer.split('\n')
    buffer = lines.pop() ?? ''
    for (const line of lines) {
      if (line.startsWith('MSG ')) messages.push(line.slice(4))
      else if (line.includes('received SUBACK')) subscribed()
    }
  })
  await Promise.race([
    ready,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`mosquitto_sub on ${topic}: no SUBACK`)), 5000),
    ),
  ])
  return {
    messages,
    json: <T>() =>
      messages.flatMap((m) => {
        try {
          return [JSON.parse(m) as T]
        } catch {
          return []
        }
      }),
    waitFor: async (n, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs
      while (messages.length < n) {
        if (Date.now() > deadline)
          throw new Error(`mosquitto_sub got ${messages.length} of ${n} messages on ${topic}`)
        await new Promise((r) => setTimeout(r, 10))
      }
      return messages
    },
    stop: () => {
      child.kill('SIGKILL')
    },
  }
}
