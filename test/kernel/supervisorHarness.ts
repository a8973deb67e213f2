/**
 * What the supervisor conformance suites (`supervisor*.test.ts`) share: a test system on the
 * virtual clock, a journal the probe children write to, probe children built from ids, and the
 * moves the suites repeat (start a tree, make a child fail, read a child's status).
 */
import {
  type ActorRef,
  type ChildSpec,
  type SupervisorMsg,
  type SupervisorSpec,
  supervisor,
} from '../../runtime/kernel/index.ts'
import {
  Journal,
  type ProbeMsg,
  type ProbeOptions,
  probe,
  type TestSystem,
  testSystem,
} from '../support/probe.ts'

/** The probe actor at `path`. */
export const ref = (t: TestSystem, path: string): ActorRef<ProbeMsg> => t.system.lookup<ProbeMsg>(path)!

/** The lifecycle status (`running`, `restarting`, `stopped`, ...) of the actor at `path`. */
export const status = (t: TestSystem, path: string) => ref(t, path).getSnapshot().value

/** One suite case's system and journal, with shorthands over them. */
export interface SupervisorHarness {
  readonly t: TestSystem
  readonly j: Journal
  /** Probe children writing to `j`, one per id, in order. */
  probes(...ids: string[]): ChildSpec[]
  /** One probe child with probe options and child-spec fields (`restart`, `budget`, ...). */
  child(id: string, options?: ProbeOptions, spec?: Omit<ChildSpec, 'id' | 'start'>): ChildSpec
  /** Starts the system under `supervisor(spec)`; resolves with the root once every child was tried. */
  start(spec: Omit<SupervisorSpec, 'kind'>): Promise<ActorRef<SupervisorMsg>>
  /** Tells the probe at `path` to fail, then lets `ms` virtual ms pass (default 0). */
  boom(path: string, ms?: number): Promise<void>
}

/**
 * A fresh test system and journal for one case.
 *
 * @example
 * ```ts
 * const { t, j, start, probes, boom } = supervisorHarness()
 * await start({ strategy: 'one_for_all', intensity: 5, children: probes('a', 'b') })
 * await boom('/b')
 * expect(j.of('init')).toEqual(['init:a', 'init:b', 'init:a', 'init:b'])
 * ```
 * @category testing
 */
export function supervisorHarness(): SupervisorHarness {
  const t = testSystem()
  const j = new Journal()
  const child = (id: string, options: ProbeOptions = {}, spec: Omit<ChildSpec, 'id' | 'start'> = {}) => ({
    id,
    start: probe(id, j, options),
    ...spec,
  })
  return {
    t,
    j,
    probes: (...ids) => ids.map((id) => child(id)),
    child,
    start: (spec) => t.system.start(supervisor(spec)),
    boom: async (path, ms = 0) => {
      ref(t, path).tell({ type: 'boom' })
      await t.tick(ms)
    },
  }
}
