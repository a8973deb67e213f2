/**
 * The organisation id, read from the thing-parameters JSON as the original's OrganizationManager
 * does, in this order: `thing.lastReported.organizationId`, then
 * `shadow.state.reported.organizationId`, then `shadow.state.desired.organizationId`; also the
 * thing name and retrieval time. A missing file, invalid JSON, or no id at any of the three places
 * gives `organization_id: null` with the reason, never a throw.
 */
import { readFileSync, statSync } from 'node:fs'

/** What the file says (the original's `organization_info`). */
export interface OrganizationInfo {
  readonly organization_id: string | null
  readonly thing_name: string | null
  readonly retrieved_at: string | null
  /** Why there is no id (missing file, bad JSON, no id in it); undefined when there is one. */
  readonly problem?: string
}

/** A cheap fingerprint of the file, to notice changes without reading it. */
export function fileStamp(path: string): string {
  try {
    const st = statSync(path)
    return `${st.mtimeMs}:${st.size}`
  } catch {
    return 'missing'
  }
}

/**
 * Reads the organisation info.
 *
 * @example
 * readOrganization('/opt/droneleaf/certs/perm/thing-parameters.json').organization_id // 'org-123' or null
 *
 * @category identity
 */
export function readOrganization(path: string): OrganizationInfo {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return { organization_id: null, thing_name: null, retrieved_at: null, problem: `no file ${path}` }
  }
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    return {
      organization_id: null,
      thing_name: null,
      retrieved_at: null,
      problem: `${path} is not valid JSON (${(e as Error).message})`,
    }
  }
  const at = (...keys: string[]): unknown => {
    let v: unknown = doc
    for (const k of keys) {
      if (typeof v !== 'object' || v === null) return undefined
      v = (v as Record<string, unknown>)[k]
    }
    return v
  }
  const asText = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null)
  const id =
    asText(at('thing', 'lastReported', 'organizationId')) ??
    asText(at('shadow', 'state', 'reported', 'organizationId')) ??
    asText(at('shadow', 'state', 'desired', 'organizationId'))
  return {
    organization_id: id,
    thing_name: asText(at('thing', 'thingName')),
    retrieved_at: asText(at('thing', 'retrievedAt')),
    ...(id === null ? { problem: `${path} has no organizationId` } : {}),
  }
}
