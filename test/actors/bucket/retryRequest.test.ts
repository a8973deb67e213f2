/**
 * `retryRequest` (issue 5): retries with the exponential schedule up to its attempts, rejects with
 * the request's own last error, and a cancel aborts the request in flight with the cancel's reason.
 */
import { describe, expect, it } from 'vitest'
import { retryRequest } from '../../../actors/bucket/retryRequest.ts'

describe('retryRequest', () => {
  it('retries until the request succeeds and counts the retries', async () => {
    let n = 0
    const r = await retryRequest(
      async () => {
        if (++n < 3) throw new Error(`attempt ${n}`)
        return 'ok'
      },
      { attempts: 5, minMs: 1, maxMs: 2 },
    )
    expect(r).toEqual({ value: 'ok', retried: 2 })
  })

  it('gives up after its attempts with the last error itself', async () => {
    let n = 0
    const err = await retryRequest(
      async () => {
        throw new TypeError(`failure ${++n}`)
      },
      { attempts: 3, minMs: 1, maxMs: 2 },
    ).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TypeError)
    expect((err as Error).message).toBe('failure 3')
  })

  it('a cancel aborts the request in flight and rejects with its reason', async () => {
    const cancel = new AbortController()
    let aborted = false
    const p = retryRequest(
      (signal) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => {
            aborted = true
            reject(new Error('aborted'))
          }),
        ),
      { attempts: 3, minMs: 1, maxMs: 2 },
      cancel.signal,
    )
    setTimeout(() => cancel.abort(new Error('cancelled by the job')), 10)
    await expect(p).rejects.toThrow('cancelled by the job')
    expect(aborted).toBe(true)
  })
})
