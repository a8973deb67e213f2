/**
 * The `cloud` proxy kind: DynamoDB (or DynamoDB Local through `PETAL_CLOUD_ENDPOINT`) with the
 * original's device scoping, switchable, and cached health. The actor's module, and the DynamoDB
 * SDK under it, loads when the proxy first starts.
 */
import type { ActorRef } from '../../runtime/kernel/index.ts'
import { lazyBehavior } from '../lazyBehavior.ts'
import type { ProxyHealth, ProxyKind } from '../ProxyKind.ts'
import { CloudDbFacade } from './CloudDbFacade.ts'
import type { CloudDbMsg } from './cloudDbMessages.ts'
import { type CloudDbOptions, parseCloudDbOptions } from './cloudDbOptions.ts'

/** The cloud DB proxy kind. */
export const cloudDbKind: ProxyKind<CloudDbOptions, CloudDbFacade> = {
  name: 'cloud',
  title: 'Cloud DB Proxy',
  parseOptions: (ctx) => parseCloudDbOptions(ctx),
  child: (options) => ({
    start: lazyBehavior(() => import('./cloudDbBehavior.ts').then((m) => m.cloudDbBehavior(options))),
  }),
  facade: (ref) => new CloudDbFacade(ref as ActorRef<CloudDbMsg>),
  health: (ref) => (ref as ActorRef<CloudDbMsg>).ask<ProxyHealth>({ type: 'health' }, { timeoutMs: 400 }),
}
