/**
 * The `db` proxy kind: the local database on sql.js at `PETAL_LOCAL_DB_PATH`, durable through its
 * journal, with the optional outbox push to DynamoDB. Health comes from the actor's cached state
 * (journal size, checkpoints, recovery, sync queue depth); it never touches the network.
 */
import type { ActorRef } from '../../runtime/kernel/index.ts'
import type { ProxyHealth, ProxyKind } from '../ProxyKind.ts'
import { LocalDbFacade } from './LocalDbFacade.ts'
import { localDbBehavior } from './localDbBehavior.ts'
import type { LocalDbMsg } from './localDbMessages.ts'
import { type LocalDbOptions, parseLocalDbOptions } from './localDbOptions.ts'

/** The local DB proxy kind. */
export const localDbKind: ProxyKind<LocalDbOptions, LocalDbFacade> = {
  name: 'db',
  title: 'LocalDB Proxy',
  parseOptions: (ctx) => parseLocalDbOptions(ctx),
  child: (options) => ({ start: localDbBehavior(options), shutdownMs: 30_000 }),
  facade: (ref) => new LocalDbFacade(ref as ActorRef<LocalDbMsg>),
  health: (ref) => (ref as ActorRef<LocalDbMsg>).ask<ProxyHealth>({ type: 'health' }, { timeoutMs: 400 }),
}
