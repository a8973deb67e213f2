/**
 * Polling for a condition with a deadline, for tests against real servers (where no virtual clock
 * can drive the other side). Resolves with the time waited; rejects naming what was awaited.
 */
export async function until(
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  everyMs = 20,
): Promise<number> {
  const t0 = Date.now()
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
  return Date.now() - t0
}
