/**
 * The cell that implements `supervisor.ts`: child slots in start order, the restart window, backoff
 * per slot, the three strategies and escalation. Every reaction to a child's exit runs as one
 * exclusive job holding the supervisor's mailbox, so exits are handled one at a time in arrival
 * order; backoff waits are timers that post the restart back as a system-lane job.
 */
import { ActorCell, type CellEnv, childPath } from './ActorCell.ts'
import type { ActorRef } from './ActorRef.ts'
import type { Behavior, ExitReason, Message } from './Behavior.ts'
import { type Backoff, backoffDelay, resolveBackoff } from './backoff.ts'
import { describeError, IntensityExceeded } from './errors.ts'
import { RestartWindow } from './RestartWindow.ts'
import {
  type ChildInfo,
  type ChildSpec,
  isSupervisorSpec,
  type RestartType,
  type Strategy,
  SUPERVISOR_DEFAULTS,
  type SupervisorMsg,
  type SupervisorSpec,
} from './supervisor.ts'

interface Slot {
  readonly spec: ChildSpec
  readonly cell: ActorCell
  readonly restart: RestartType
  /** Consecutive restarts, for backoff. */
  attempt: number
  /** When the child last started running; undefined while it is down. */
  upSince: number | undefined
  /** Stopped by the operator: group restarts leave it down. */
  held: boolean
  removed: boolean
  /** Own budget (one_for_one only). */
  readonly window: RestartWindow | undefined
  readonly backoff: Backoff | undefined
  readonly onExhausted: 'fail' | 'escalate'
}

const SHUTDOWN: ExitReason = { kind: 'shutdown' }

/**
 * A supervisor actor.
 *
 * @category internals
 */
export class SupervisorCell extends ActorCell {
  private readonly strategy: Strategy
  private readonly window: RestartWindow
  private readonly backoff: Backoff
  private slots: Slot[] = []

  constructor(
    env: CellEnv,
    parent: ActorCell | null,
    id: string,
    path: string,
    readonly spec: SupervisorSpec,
    shutdownMs: number = SUPERVISOR_DEFAULTS.supervisorShutdownMs,
  ) {
    super(env, parent, id, path, SupervisorCell.behavior, {
      shutdownMs,
      mailboxCapacity: 256,
      overflow: 'reject',
    })
    this.strategy = spec.strategy ?? SUPERVISOR_DEFAULTS.strategy
    this.window = new RestartWindow(
      spec.intensity ?? SUPERVISOR_DEFAULTS.intensity,
      spec.periodMs ?? SUPERVISOR_DEFAULTS.periodMs,
    )
    this.backoff = resolveBackoff(spec.backoff)
    for (const child of spec.children) this.addSlot(child)
  }

  private static readonly behavior: Behavior<null, Message> = {
    init: (ctx) => (ctx as unknown as SupervisorCell).startAll(),
    receive: (_s, msg, ctx) => (ctx as unknown as SupervisorCell).handleRequest(msg as SupervisorMsg),
  }

  /** Backoff timers keep time: the `timer.late` fault point is for workers' own timers. */
  override setTimeout(fn: () => unknown, ms: number): () => void {
    return this.resources().addTimer(this.guard(fn), ms)
  }

  override get kind(): 'worker' | 'supervisor' {
    return 'supervisor'
  }

  /** Refs of the children, by id. */
  childRef(id: string): ActorRef<Message> | undefined {
    return this.slots.find((s) => s.spec.id === id && !s.removed)?.cell.self
  }

  private addSlot(spec: ChildSpec): Slot {
    if (!/^[A-Za-z0-9_.:@-]+$/.test(spec.id)) {
      throw new TypeError(`child id must match [A-Za-z0-9_.:@-]+, got '${spec.id}'`)
    }
    if (this.slots.some((s) => s.spec.id === spec.id && !s.removed)) {
      throw new TypeError(`child id '${spec.id}' is already used under ${this.path}`)
    }
    if (spec.budget !== undefined && this.strategy !== 'one_for_one') {
      throw new TypeError(
        `child '${spec.id}': a per-child budget needs strategy one_for_one, not ${this.strategy}`,
      )
    }
    const path = childPath(this.path, spec.id)
    const cell = isSupervisorSpec(spec.start)
      ? new SupervisorCell(
          this.env,
          this,
          spec.id,
          path,
          spec.start,
          spec.shutdownMs ?? SUPERVISOR_DEFAULTS.supervisorShutdownMs,
        )
      : new ActorCell(this.env, this, spec.id, path, spec.start, {
          ...spec.options,
          shutdownMs: spec.shutdownMs ?? SUPERVISOR_DEFAULTS.workerShutdownMs,
        })
    const budget = spec.budget
    const slot: Slot = {
      spec,
      cell,
      restart: spec.restart ?? SUPERVISOR_DEFAULTS.restart,
      attempt: 0,
      upSince: undefined,
      held: false,
      removed: false,
      window: budget === undefined ? undefined : new RestartWindow(budget.intensity, budget.periodMs),
      backoff: budget?.backoff === undefined ? undefined : resolveBackoff(budget.backoff),
      onExhausted: budget?.onExhausted ?? 'fail',
    }
    this.slots.push(slot)
    if (this.children === null) this.children = [cell]
    else this.children.push(cell)
    this.env.register(cell)
    cell.announce()
    return slot
  }

  private removeSlot(slot: Slot): void {
    slot.removed = true
    this.slots = this.slots.filter((s) => s !== slot)
    this.removeChild(slot.cell)
  }

  /** Initial start (and start after this supervisor's own restart): every child, in order. */
  private async startAll(): Promise<null> {
    const epoch = this.epoch
    for (const slot of [...this.slots]) {
      if (epoch !== this.epoch) break
      slot.held = false
      const ok = await this.startSlot(slot)
      if (!ok && this.strategy !== 'one_for_one') break
    }
    return null
  }

  /** Starts (or restarts) a slot's cell; synchronous when its `init` is. */
  private startSlot(slot: Slot): boolean | Promise<boolean> {
    if (slot.removed) return false
    const cell = slot.cell
    const r = cell.hasStarted ? cell.restart() : cell.start()
    if (r === true) slot.upSince = this.env.clock.now()
    if (typeof r === 'boolean') return r
    return r.then((ok) => {
      if (ok) slot.upSince = this.env.clock.now()
      return ok
    })
  }

  // ---- Reaction to exits --------------------------------------------------------------------

  override onChildExit(child: ActorCell, reason: ExitReason, epoch: number): void {
    if (!child.isExitOf(epoch)) return
    const slot = this.slots.find((s) => s.cell === child)
    if (slot === undefined) {
      child.finalize(reason)
      return
    }
    this.exclusive(() => this.handleExit(slot, reason))
  }

  private handleExit(slot: Slot, reason: ExitReason): Promise<void> | undefined {
    const now = this.env.clock.now()
    const ranFor = slot.upSince === undefined ? 0 : now - slot.upSince
    slot.upSince = undefined
    const abnormal = reason.kind === 'failure' || reason.kind === 'abandoned'
    if (slot.restart === 'temporary' || (slot.restart === 'transient' && !abnormal)) {
      slot.cell.finalize(reason)
      if (slot.restart === 'temporary') this.removeSlot(slot)
      return undefined
    }
    const window = slot.window ?? this.window
    if (!window.add(now)) {
      if (slot.window !== undefined && slot.onExhausted === 'fail') {
        this.env.log.error(
          { path: slot.cell.path },
          `${slot.cell.path} exceeded its restart budget (${window.intensity} in ${window.periodMs} ms); marked failed`,
        )
        slot.cell.finalize(reason, 'failed')
        return undefined
      }
      this.giveUp(reason)
      return undefined
    }
    const backoff = slot.backoff ?? this.backoff
    if (ranFor >= backoff.resetAfterMs && ranFor > 0) slot.attempt = 0
    const delayMs = backoffDelay(slot.attempt++, backoff, this.env.random)
    slot.cell.emitSupervision('restart', describeReason(reason), delayMs)
    if (this.strategy === 'one_for_one') return this.startAfter(delayMs, [slot])
    return this.stopGroupFor(slot).then((group) => this.startAfter(delayMs, group))
  }

  private startAfter(delayMs: number, group: Slot[]): Promise<void> | undefined {
    if (delayMs === 0) return this.startGroup(group, 0)
    const epoch = this.epoch
    this.setTimeout(() => this.signal({ kind: 'call', epoch, run: () => this.startGroup(group, 0) }), delayMs)
    return undefined
  }

  /** Stops the siblings the strategy restarts with `slot`; returns the group to start, in order. */
  private async stopGroupFor(slot: Slot): Promise<Slot[]> {
    const i = this.slots.indexOf(slot)
    const group = this.strategy === 'one_for_all' ? [...this.slots] : this.slots.slice(i)
    for (let k = group.length - 1; k >= 0; k--) {
      const s = group[k]!
      if (s === slot || s.held) continue
      if (s.restart === 'temporary') {
        await s.cell.shutdown(SHUTDOWN)
        this.removeSlot(s)
      } else {
        await s.cell.stopIncarnation(SHUTDOWN)
        s.upSince = undefined
      }
    }
    return group.filter((s) => !s.removed && !s.held)
  }

  /** Starts `group[from..]` in order; stays synchronous while every `init` is. */
  private startGroup(group: Slot[], from: number): Promise<void> | undefined {
    const epoch = this.epoch
    for (let i = from; i < group.length; i++) {
      const slot = group[i]!
      if (slot.removed || slot.held || slot.cell.status === 'running' || slot.cell.status === 'failed')
        continue
      const r = this.startSlot(slot)
      if (r === false && this.strategy !== 'one_for_one') return undefined
      if (r !== true && r !== false) {
        return r.then((ok) => {
          if (epoch !== this.epoch || (!ok && this.strategy !== 'one_for_one')) return undefined
          return this.startGroup(group, i + 1)
        })
      }
    }
    return undefined
  }

  private giveUp(cause: ExitReason): void {
    const error = new IntensityExceeded(
      this.path,
      this.window.intensity,
      this.window.periodMs,
      causeOf(cause),
    )
    this.emitSupervision('escalated', error.message)
    this.fail(error)
  }

  /** A supervisor ending its incarnation finalizes its children but keeps their slots. */
  override async stopChildOnEnd(child: ActorCell): Promise<void> {
    await child.shutdown(SHUTDOWN)
  }

  // ---- Requests -----------------------------------------------------------------------------

  private async handleRequest(msg: SupervisorMsg): Promise<null> {
    try {
      this.reply(await this.answer(msg))
    } catch (e) {
      this.replyError(e)
    }
    return null
  }

  private async answer(msg: SupervisorMsg): Promise<unknown> {
    switch (msg.type) {
      case 'start-child': {
        const slot = this.addSlot(msg.spec)
        await this.startSlot(slot)
        return slot.cell.self
      }
      case 'terminate-child': {
        const slot = this.slotById(msg.id)
        slot.held = true
        slot.upSince = undefined
        await slot.cell.shutdown(SHUTDOWN)
        if (slot.restart === 'temporary') this.removeSlot(slot)
        return undefined
      }
      case 'restart-child': {
        const slot = this.slotById(msg.id)
        if (slot.cell.status === 'running') return true
        if (slot.cell.status !== 'stopped' && slot.cell.status !== 'failed') {
          throw new Error(
            `child '${msg.id}' is ${slot.cell.status}; only a stopped or failed child can be restarted`,
          )
        }
        slot.held = false
        slot.attempt = 0
        slot.window?.reset()
        return this.startSlot(slot)
      }
      case 'delete-child': {
        const slot = this.slotById(msg.id)
        if (slot.cell.status !== 'stopped' && slot.cell.status !== 'failed') {
          throw new Error(`child '${msg.id}' is ${slot.cell.status}; terminate it before deleting it`)
        }
        this.removeSlot(slot)
        return undefined
      }
      case 'which-children':
        return this.slots.map(
          (s): ChildInfo => ({
            id: s.spec.id,
            path: s.cell.path,
            kind: s.cell.kind,
            status: s.cell.status,
            restarts: s.cell.restarts,
            restart: s.restart,
          }),
        )
    }
  }

  private slotById(id: string): Slot {
    const slot = this.slots.find((s) => s.spec.id === id)
    if (slot === undefined) {
      const known = this.slots.map((s) => s.spec.id).join(', ') || 'none'
      throw new Error(`no child '${id}' under ${this.path} (children: ${known})`)
    }
    return slot
  }
}

function causeOf(reason: ExitReason): unknown {
  return reason.kind === 'failure' ? reason.error : reason.kind
}

function describeReason(reason: ExitReason): string {
  return reason.kind === 'failure' ? describeError(reason.error) : reason.kind
}
