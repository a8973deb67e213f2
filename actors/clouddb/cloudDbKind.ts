/**
 * The `cloud` proxy kind: DynamoDB (or DynamoDB Local through `PETAL_CLOUD_ENDPOINT`) with the
 * original's device scoping, switchable, and cached health.
 */
import type { ActorRef } from '../../runtime/kernel/index.ts'
import type { ProxyHealth, ProxyKind } from '../ProxyKind.ts'
import { CloudDbFacade } from './CloudDbFacade.ts'
import { cloudDbBehavior } from './cloudDbBehavior.ts'
import type { CloudDbMsg } from './cloudDbMessages.ts'
import { type CloudDbOptions, parseCloudDbOptions } from './cloudDbOptions.ts'

/** The cloud DB proxy kind. */
export const cloudDbKind: ProxyKind<CloudDbOptions, CloudDbFacade> = {
  name: 'cloud',
  title: 'Cloud DB Proxy',
  parseOptions: (ctx) => parseCloudDbOptions(ctx),
  child: (options) => ({ start: cloudDbBehavior(options) }),
  facade: (ref) => new CloudDbFacade(ref as ActorRef<CloudDbMsg>),
  health: (ref) => (ref as ActorRef<CloudDbMsg>).ask<ProxyHealth>({ type: 'health' }, { timeoutMs: 400 }),
}
