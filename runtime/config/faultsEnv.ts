/**
 * `PETAL_FAULTS`: the fault plan of a chaos run, as JSON, e.g.
 * `{"seed": 7, "points": {"mailbox.delay": {"p": 0.02, "maxMs": 50, "match": "/petals/"}}}`
 * (points and their rules: `runtime/kernel/faults.ts`). Unset or empty: nothing is armed. Invalid
 * JSON, an unknown point, `p` outside 0..1 or a negative `maxMs` is a config error; a plan with no
 * point arms nothing.
 */
import { type FaultPlan, faultPlanProblems } from '../kernel/index.ts'
import type { ConfigIssue } from './ConfigError.ts'

/** The variable's name. */
export const FAULTS_VAR = 'PETAL_FAULTS'

/**
 * The plan `PETAL_FAULTS` arms, `undefined` when it arms nothing; problems go to `issues`.
 *
 * @example
 * parseFaultsEnv('{"points":{"timer.late":{"p":1}}}', 'env', issues) // { points: { 'timer.late': { p: 1 } } }
 *
 * @category config
 */
export function parseFaultsEnv(
  text: string | undefined,
  source: string,
  issues: ConfigIssue[],
): FaultPlan | undefined {
  if (text === undefined || text.trim() === '') return undefined
  let input: unknown
  try {
    input = JSON.parse(text)
  } catch (e) {
    issues.push({
      source,
      key: FAULTS_VAR,
      expected: 'a JSON object {"seed": 7, "points": {"<point>": {"p": 0..1, "maxMs": n, "match": "..."}}}',
      found: `invalid JSON (${e instanceof Error ? e.message : String(e)})`,
    })
    return undefined
  }
  const problems = faultPlanProblems(input)
  for (const p of problems) {
    issues.push({
      source,
      key: p.key === '' ? FAULTS_VAR : `${FAULTS_VAR}.${p.key}`,
      expected: p.expected,
      found: p.found,
    })
  }
  if (problems.length > 0) return undefined
  const plan = input as FaultPlan
  return Object.keys(plan.points).length === 0 ? undefined : plan
}
