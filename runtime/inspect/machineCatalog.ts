/**
 * Every XState machine the runtime ships, named by its `id` (the name an inspection event
 * carries). `petal machines export` writes their diagrams; a machine added to `machines/` is
 * added here too, or the export test fails.
 */
import type { AnyStateMachine } from 'xstate'
import { paramGetMachine } from '../../machines/paramGet.machine.ts'
import { paramSetMachine } from '../../machines/paramSet.machine.ts'
import { rebootMachine } from '../../machines/reboot.machine.ts'

/** The shipped machines, in a stable order. */
export const MACHINES: readonly AnyStateMachine[] = [paramSetMachine, paramGetMachine, rebootMachine]
