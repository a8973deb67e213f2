/**
 * The control actor (`/control`): switches petals and proxies on and off while the runtime runs,
 * with the original's validation and messages, and writes the change back to the config file.
 * Enabling a petal loads it if needed and starts it under `/petals`; enabling a proxy starts it at
 * the end of `/proxies`. A petal needs its proxies on ("Cannot enable X: missing dependencies
 * [...]. Enable those proxies first."); a proxy cannot go off while an enabled petal or proxy needs
 * it ("Cannot disable X: required by petals [...] and proxies [...]. Disable those first.").
 * Requests are handled one at a time, in arrival order.
 */
import { isProxyName, PROXY_NAMES, type ProxyName } from '../../actors/ProxyKind.ts'
import {
  type ActorRef,
  type Behavior,
  deleteChild,
  describeError,
  type SupervisorMsg,
  startChild,
  terminateChild,
} from '../kernel/index.ts'
import { loadPetals } from '../petal/loadPetals.ts'
import { shippedPetalNames } from '../petal/shipped.ts'
import { proxyKinds } from '../proxies/catalog.ts'
import { type ListKey, writeList } from './configFile.ts'
import type { RuntimeHost } from './RuntimeHost.ts'

/** `ON` or `OFF`, as the original's API spells them. */
export type Switch = 'ON' | 'OFF'

/** Requests the control actor answers. */
export type ControlMsg =
  | { readonly type: 'status' }
  | { readonly type: 'components' }
  | { readonly type: 'petals'; readonly names: readonly string[]; readonly action: Switch }
  | { readonly type: 'proxies'; readonly names: readonly string[]; readonly action: Switch }

/** The answer to a switch request (the original's shape, plus `persisted`). */
export interface SwitchResult {
  readonly success: boolean
  readonly action: Switch
  readonly results: string[]
  readonly message: string
  readonly errors?: string[]
  readonly partial_success?: boolean
  /** False when the runtime runs without a config file: the change lasts until it stops. */
  readonly persisted: boolean
  readonly [processed: string]: unknown
}

/** @internal The control actor's behaviour. */
export function controlBehavior(host: RuntimeHost): Behavior<null, ControlMsg> {
  const sup = (path: string) => host.system.lookup(path) as unknown as ActorRef<SupervisorMsg>
  const persist = (key: ListKey, names: readonly string[]): boolean => {
    if (host.config.configPath === null) return false
    writeList(host.config.configPath, key, names)
    return true
  }

  const petalDeps = (name: string): readonly string[] =>
    host.config.petalDependencies[name] ?? host.petals.get(name)?.petal.requires ?? []

  async function switchPetals(names: readonly string[], action: Switch): Promise<SwitchResult> {
    const results: string[] = []
    const errors: string[] = []
    let changed = 0
    for (const name of names) {
      const enabled = host.enabledPetals.includes(name) || host.startupPetals.includes(name)
      if (action === 'ON') {
        if (enabled) {
          results.push(`Petal already enabled: ${name}`)
          continue
        }
        if (!host.petals.has(name)) {
          const { petals, issues } = await loadPetals({
            ...host.config,
            startupPetals: [],
            enabledPetals: [name],
            enabledProxies: host.enabledProxies,
          })
          if (issues.length > 0) {
            errors.push(
              `Cannot enable ${name}: ${issues.map((i) => `expected ${i.expected}, found ${i.found}`).join('; ')}`,
            )
            continue
          }
          host.petals.set(name, petals[0]!)
        }
        const missing = petalDeps(name).filter((d) => !host.enabledProxies.includes(d as ProxyName))
        if (missing.length > 0) {
          errors.push(
            `Cannot enable ${name}: missing dependencies [${missing.join(', ')}]. Enable those proxies first.`,
          )
          continue
        }
        const loaded = { ...host.petals.get(name)!, notLoaded: undefined }
        host.petals.set(name, loaded)
        await startChild(sup('/petals'), host.petalSpec(loaded))
        host.enabledPetals.push(name)
        results.push(`Enabled petal: ${name}`)
        changed++
      } else {
        if (!enabled) {
          results.push(`Petal already disabled: ${name}`)
          continue
        }
        if (host.system.lookup(`/petals/${name}`) !== undefined) {
          await terminateChild(sup('/petals'), name)
          await deleteChild(sup('/petals'), name)
        }
        remove(host.enabledPetals, name)
        remove(host.startupPetals, name)
        results.push(`Disabled petal: ${name}`)
        changed++
      }
    }
    let persisted = false
    if (changed > 0) {
      persisted = persist('enabled_petals', host.enabledPetals)
      if (action === 'OFF') persisted = persist('startup_petals', host.startupPetals) && persisted
    }
    const allInState = names.every(
      (n) => (host.enabledPetals.includes(n) || host.startupPetals.includes(n)) === (action === 'ON'),
    )
    return {
      success: allInState,
      action,
      processed_petals: names,
      results,
      message: `Configuration updated. ${changed} petals switched ${action === 'ON' ? 'on' : 'off'} successfully.`,
      persisted,
      ...(errors.length > 0 ? { errors, partial_success: changed > 0 } : {}),
    }
  }

  async function switchProxies(names: readonly string[], action: Switch): Promise<SwitchResult> {
    const results: string[] = []
    const errors: string[] = []
    let changed = 0
    for (const name of names) {
      if (!isProxyName(name)) {
        errors.push(`Unknown proxy: ${name} (expected one of ${PROXY_NAMES.join(', ')})`)
        continue
      }
      const enabled = host.enabledProxies.includes(name)
      if (action === 'ON') {
        if (enabled) {
          results.push(`Proxy already enabled: ${name}`)
          continue
        }
        const kind = proxyKinds[name]
        if (kind === undefined) {
          errors.push(`Cannot enable ${name}: this build does not implement it`)
          continue
        }
        const missing = (host.config.proxyDependencies[name] ?? []).filter(
          (d) => !host.enabledProxies.includes(d as ProxyName),
        )
        if (missing.length > 0) {
          errors.push(
            `Cannot enable ${name}: missing dependencies [${missing.join(', ')}]. Enable those proxies first.`,
          )
          continue
        }
        const parsed = kind.parseOptions(host.proxyContext())
        if ('issues' in parsed) {
          errors.push(
            `Cannot enable ${name}: ${parsed.issues.map((i) => `${i.key}: expected ${i.expected}, found ${i.found}`).join('; ')}`,
          )
          continue
        }
        host.proxyOptions.set(name, parsed.options)
        host.enabledProxies.push(name)
        await startChild(sup('/proxies'), host.proxySpec(name, kind, parsed.options))
        results.push(`Enabled proxy: ${name}`)
        changed++
      } else {
        if (!enabled) {
          results.push(`Proxy already disabled: ${name}`)
          continue
        }
        const petals = [...host.startupPetals, ...host.enabledPetals].filter((p) =>
          petalDeps(p).includes(name),
        )
        const proxies = host.enabledProxies.filter((p) =>
          (host.config.proxyDependencies[p] ?? []).includes(name),
        )
        if (petals.length > 0 || proxies.length > 0) {
          errors.push(
            `Cannot disable ${name}: required by petals [${petals.join(', ')}] and proxies [${proxies.join(', ')}]. Disable those first.`,
          )
          continue
        }
        await terminateChild(sup('/proxies'), name)
        await deleteChild(sup('/proxies'), name)
        remove(host.enabledProxies, name)
        host.proxyOptions.delete(name)
        results.push(`Disabled proxy: ${name}`)
        changed++
      }
    }
    const persisted = changed > 0 ? persist('enabled_proxies', host.enabledProxies) : false
    return {
      success: changed > 0,
      action,
      processed_proxies: names,
      results,
      message: `Configuration updated. ${changed} proxies switched ${action === 'ON' ? 'on' : 'off'} successfully.`,
      persisted,
      ...(errors.length > 0 ? { errors, partial_success: changed > 0 } : {}),
    }
  }

  function components(): Record<string, unknown> {
    const petalNames = new Set([
      ...shippedPetalNames(),
      ...Object.keys(host.config.petalSources),
      ...Object.keys(host.config.petalDependencies),
      ...host.startupPetals,
      ...host.enabledPetals,
      ...host.petals.keys(),
    ])
    const enabledPetals = [...host.startupPetals, ...host.enabledPetals]
    const petals = [...petalNames].sort().map((name) => ({
      name,
      enabled: enabledPetals.includes(name),
      dependencies: [...petalDeps(name)],
    }))
    const proxyNames = new Set<string>([...PROXY_NAMES, ...host.enabledProxies])
    const proxies = [...proxyNames].sort().map((name) => ({
      name,
      enabled: host.enabledProxies.includes(name as ProxyName),
      available: proxyKinds[name as ProxyName] !== undefined,
      dependencies: host.config.proxyDependencies[name] ?? [],
      dependents: [
        ...petals.filter((p) => p.dependencies.includes(name)).map((p) => `petal:${p.name}`),
        ...Object.entries(host.config.proxyDependencies)
          .filter(([, deps]) => deps.includes(name))
          .map(([p]) => `proxy:${p}`),
      ],
    }))
    return { petals, proxies, total_petals: petals.length, total_proxies: proxies.length }
  }

  return {
    init: () => null,
    receive: async (s, msg, ctx) => {
      try {
        switch (msg.type) {
          case 'status':
            ctx.reply({
              enabled_proxies: host.enabledProxies,
              enabled_petals: host.enabledPetals,
              startup_petals: host.startupPetals,
              petal_dependencies: host.config.petalDependencies,
              proxy_dependencies: host.config.proxyDependencies,
            })
            break
          case 'components':
            ctx.reply(components())
            break
          case 'petals':
            ctx.reply(await switchPetals(msg.names, msg.action))
            break
          case 'proxies':
            ctx.reply(await switchProxies(msg.names, msg.action))
            break
        }
      } catch (e) {
        host.log.error({ err: e }, `control request '${msg.type}' failed: ${describeError(e)}`)
        ctx.replyError(e)
      }
      return s
    },
  }
}

function remove(list: string[], name: string): void {
  const i = list.indexOf(name)
  if (i >= 0) list.splice(i, 1)
}
