/**
 * The bounded two-lane mailbox (runtime/kernel/Mailbox.ts) and how actors use it: overflow
 * policies, system-lane priority, dead letters and their rate-limited log (issue #2).
 */
import { describe, expect, it } from 'vitest'
import {
  type ActorRef,
  type Behavior,
  createActorSystem,
  DEFAULT_MAILBOX_CAPACITY,
  type Logger,
  Mailbox,
  MailboxFull,
  MessageDropped,
  settle,
  supervisor,
  VirtualClock,
} from '../../runtime/kernel/index.ts'

describe('Mailbox', () => {
  it('allocates nothing until the first message, grows by doubling, and releases a large buffer once drained', () => {
    const mb = new Mailbox<number>(1000)
    expect(mb.allocated).toBe(0)
    mb.push(1, undefined)
    expect(mb.allocated).toBe(8)
    for (let i = 0; i < 200; i++) mb.push(i, undefined)
    expect(mb.allocated).toBe(256)
    expect(mb.size).toBe(201)
    while (mb.shift() !== undefined) {}
    expect(mb.allocated).toBe(0)
  })

  it('keeps FIFO order across wrap-around and growth', () => {
    const mb = new Mailbox<number>(64)
    const out: number[] = []
    for (let i = 0; i < 6; i++) mb.push(i, undefined)
    for (let i = 0; i < 4; i++) out.push(mb.shift()!)
    for (let i = 6; i < 30; i++) mb.push(i, undefined)
    for (let m = mb.shift(); m !== undefined; m = mb.shift()) out.push(m)
    expect(out).toEqual([...Array(30).keys()])
  })

  it('drop-newest refuses the message that does not fit', () => {
    const mb = new Mailbox<number>(3, 'drop-newest')
    expect([1, 2, 3, 4].map((n) => mb.push(n, undefined))).toEqual([true, true, true, false])
    expect([mb.shift(), mb.shift(), mb.shift()]).toEqual([1, 2, 3])
  })

  it('drop-oldest evicts the head and hands it back', () => {
    const mb = new Mailbox<number, string>(3, 'drop-oldest')
    mb.push(1, 'r1')
    mb.push(2, undefined)
    mb.push(3, undefined)
    expect(mb.push(4, undefined)).toEqual({ msg: 1, reply: 'r1' })
    expect([mb.shift(), mb.shift(), mb.shift()]).toEqual([2, 3, 4])
  })

  it('reject refuses the message that does not fit', () => {
    const mb = new Mailbox<number>(2, 'reject')
    expect([1, 2, 3].map((n) => mb.push(n, undefined))).toEqual([true, true, false])
  })

  it('the system lane is unbounded and independent of the user lane', () => {
    const mb = new Mailbox<number, unknown, string>(1)
    mb.push(1, undefined)
    for (let i = 0; i < 100; i++) mb.pushSystem(`s${i}`)
    expect(mb.systemSize).toBe(100)
    expect(mb.peekSystem()).toBe('s0')
    expect(mb.shiftSystem()).toBe('s0')
    expect(mb.size).toBe(1)
  })

  it('defaults to 1024 messages, drop-newest; a capacity below 1 is refused', () => {
    const mb = new Mailbox<number>()
    expect(mb.capacity).toBe(DEFAULT_MAILBOX_CAPACITY)
    expect(DEFAULT_MAILBOX_CAPACITY).toBe(1024)
    expect(mb.overflow).toBe('drop-newest')
    expect(() => new Mailbox(0)).toThrow(/capacity must be an integer >= 1, got 0/)
  })
})

/** An actor that blocks on a gate, so its mailbox fills while it waits. */
function gated(received: string[]): { behavior: Behavior<null, { type: string }>; open: () => void } {
  let open = (): void => {}
  const gate = new Promise<void>((r) => {
    open = r
  })
  return {
    open: () => open(),
    behavior: {
      init: () => null,
      receive: async (s, msg, ctx) => {
        received.push(msg.type)
        if (msg.type === 'block') await gate
        ctx.reply(msg.type)
        return s
      },
    },
  }
}

describe('actor mailboxes', () => {
  async function fill(overflow: 'drop-newest' | 'drop-oldest' | 'reject') {
    const system = createActorSystem()
    const received: string[] = []
    const g = gated(received)
    const ref = (await system.spawn('a', g.behavior, { mailboxCapacity: 2, overflow })) as ActorRef<{
      type: string
    }>
    ref.tell({ type: 'block' })
    await settle()
    const asks = ['m1', 'm2', 'm3'].map((type) =>
      ref.ask({ type }).then(
        (v) => v,
        (e: unknown) => e,
      ),
    )
    return { system, received, g, ref, asks }
  }

  it('drop-newest: the third message is a dead letter and its ask fails with MessageDropped', async () => {
    const { system, received, g, asks } = await fill('drop-newest')
    g.open()
    const results = await Promise.all(asks)
    expect(results.slice(0, 2)).toEqual(['m1', 'm2'])
    expect(results[2]).toBeInstanceOf(MessageDropped)
    expect(received).toEqual(['block', 'm1', 'm2'])
    expect(system.deadLetters.byReason['dropped-newest']).toBe(1)
  })

  it('drop-oldest: the oldest waiting message is evicted, its ask fails with MessageDropped', async () => {
    const { system, received, g, asks } = await fill('drop-oldest')
    g.open()
    const results = await Promise.all(asks)
    expect(results[0]).toBeInstanceOf(MessageDropped)
    expect(results.slice(1)).toEqual(['m2', 'm3'])
    expect(received).toEqual(['block', 'm2', 'm3'])
    expect(system.deadLetters.byReason['dropped-oldest']).toBe(1)
  })

  it("reject: the sender's ask fails with MailboxFull and tell returns false", async () => {
    const { system, g, ref, asks } = await fill('reject')
    expect(ref.tell({ type: 'm4' })).toBe(false)
    g.open()
    const results = await Promise.all(asks)
    expect(results[2]).toBeInstanceOf(MailboxFull)
    expect((results[2] as MailboxFull).code).toBe('MAILBOX_FULL')
    expect(system.deadLetters.byReason.rejected).toBe(2)
  })

  it('the system lane is drained before user messages: terminated overtakes queued messages', async () => {
    const system = createActorSystem()
    const received: string[] = []
    const g = gated(received)
    const target = await system.spawn('target', { init: () => null, receive: (s: null) => s })
    const watcher = (await system.spawn('watcher', {
      ...g.behavior,
      init: (ctx) => {
        ctx.watch(target as unknown as ActorRef<never>)
        return null
      },
    })) as ActorRef<{ type: string }>
    watcher.tell({ type: 'block' })
    await settle()
    watcher.tell({ type: 'user-1' })
    watcher.tell({ type: 'user-2' })
    const root = system.lookup('/') as ActorRef<{ type: 'terminate-child'; id: string }>
    await root.ask({ type: 'terminate-child', id: 'target' })
    g.open()
    await settle()
    expect(received).toEqual(['block', 'terminated', 'user-1', 'user-2'])
  })

  it('messages to a stopped actor are dead letters; its asks fail with ActorStopped', async () => {
    const system = createActorSystem()
    const ref = await system.spawn('a', { init: () => null, receive: (s: null) => s })
    await system.stop()
    expect(ref.tell({ type: 'x' })).toBe(false)
    await expect(ref.ask({ type: 'y' })).rejects.toMatchObject({ code: 'ACTOR_STOPPED' })
    expect(system.deadLetters.byReason.stopped).toBe(2)
    expect(system.deadLetters.count).toBe(2)
  })

  it('messages queued when an actor stops for good become dead letters, their asks fail', async () => {
    const system = createActorSystem()
    const received: string[] = []
    const g = gated(received)
    const ref = (await system.spawn('a', g.behavior)) as ActorRef<{ type: string }>
    ref.tell({ type: 'block' })
    await settle()
    const pending = ref.ask({ type: 'later' }).catch((e: unknown) => e)
    const stopping = system.stop()
    g.open()
    await stopping
    expect(await pending).toMatchObject({ code: 'ACTOR_STOPPED' })
    expect(system.deadLetters.byReason.stopped).toBe(1)
  })

  it('dead letters are logged at a limited rate: logLimit lines, then a pause of suspendMs', async () => {
    const clock = new VirtualClock()
    const lines: string[] = []
    const log: Logger = { debug() {}, info() {}, error() {}, warn: (_f, m) => lines.push(m) }
    const system = createActorSystem({ clock, logger: log, deadLetters: { logLimit: 3, suspendMs: 1000 } })
    await system.start(supervisor({ children: [] }))
    const ref = await system.spawn('a', { init: () => null, receive: (s: null) => s })
    await system.stop()
    lines.length = 0
    for (let i = 0; i < 10; i++) ref.tell({ type: `m${i}` })
    expect(lines.filter((l) => l.startsWith('dead letter to'))).toHaveLength(3)
    expect(lines.some((l) => l.includes('logging suspended for 1000 ms'))).toBe(true)
    clock.advance(1000)
    ref.tell({ type: 'after' })
    expect(lines.some((l) => l.includes('7 not logged while suspended'))).toBe(true)
    expect(lines.at(-1)).toMatch(/dead letter to \/a: 'after'/)
    expect(system.deadLetters.count).toBe(11)
  })
})
