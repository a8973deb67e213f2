/**
 * The cloud DB outside the runtime: `createCloudDbProxy({ ... })` returns the facade petals get,
 * plus `health()` and `close()`. Options not given take the defaults of `cloudDbOptions.ts`
 * (region `us-east-1`, the AWS credential chain, device scoping on).
 */
import type { Logger } from '../../runtime/kernel/index.ts'
import { startStandalone } from '../standaloneProxy.ts'
import { CloudDbFacade } from './CloudDbFacade.ts'
import type { CloudDbMsg } from './cloudDbMessages.ts'
import type { CloudDbOptions } from './cloudDbOptions.ts'

/** Options of {@link createCloudDbProxy}. */
export type CreateCloudDbOptions = Partial<CloudDbOptions> & { readonly logger?: Logger }

/** A standalone cloud DB proxy. */
export interface StandaloneCloudDb {
  readonly cloud: CloudDbFacade
  health(): Promise<Record<string, unknown>>
  close(): Promise<void>
}

/**
 * Starts a cloud DB proxy outside the runtime.
 *
 * @example
 * const { cloud, close } = await createCloudDbProxy({ endpoint: 'http://127.0.0.1:8000', machineId: 'drone-7' })
 * await cloud.putItem('notes', { id: 'n1', text: 'hello' })
 * await close()
 *
 * @category constructors
 */
export async function createCloudDbProxy(options: CreateCloudDbOptions = {}): Promise<StandaloneCloudDb> {
  const full: CloudDbOptions = {
    region: 'us-east-1',
    endpoint: undefined,
    credentials: undefined,
    deviceScoping: true,
    requestTimeoutMs: 30_000,
    machineId: undefined,
    ...options,
  }
  // The actor's module, and the SDK under it, loads on first use (importing the package stays fast).
  const { cloudDbBehavior } = await import('./cloudDbBehavior.ts')
  const running = await startStandalone<unknown, CloudDbMsg>(
    'cloud',
    cloudDbBehavior(full) as never,
    options.logger,
  )
  return {
    cloud: new CloudDbFacade(running.ref),
    health: () => running.ref.ask({ type: 'health' }),
    close: running.close,
  }
}
