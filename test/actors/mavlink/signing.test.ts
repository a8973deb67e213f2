/**
 * Guards `actors/mavlink/codec/signing.ts` (issue 3): signed frames verify, timestamps strictly
 * increase within one millisecond, replays and unsigned frames are refused, node-mavlink agrees.
 */
import { MavLinkPacketSignature } from 'node-mavlink'
import { describe, expect, it } from 'vitest'
import type { Frame } from '../../../actors/mavlink/codec/Frame.ts'
import { FrameEncoder } from '../../../actors/mavlink/codec/FrameEncoder.ts'
import { FrameParser } from '../../../actors/mavlink/codec/FrameParser.ts'
import { SignatureChecker, Signer, signingKey } from '../../../actors/mavlink/codec/signing.ts'
import { heartbeatPayload } from '../../../actors/mavlink/codec/wireMessages.ts'

const hb = heartbeatPayload({ type: 6, autopilot: 8, baseMode: 0, customMode: 0, systemStatus: 4 })

function parse(bytes: Uint8Array): Frame[] {
  const out: Frame[] = []
  new FrameParser().push(bytes, (f) => out.push(f))
  return out
}

describe('message signing', () => {
  const key = signingKey('petal secret')

  it('uses SHA-256 of a passphrase, or 64 hex digits as they are', () => {
    expect(Buffer.from(key).equals(MavLinkPacketSignature.key('petal secret'))).toBe(true)
    expect(Buffer.from(signingKey('ab'.repeat(32))).toString('hex')).toBe('ab'.repeat(32))
  })

  it('signs frames that verify, with node-mavlink agreeing on the signature', () => {
    const enc = new FrameEncoder({
      sysid: 2,
      compid: 140,
      signer: new Signer(key, 3, () => Date.UTC(2026, 0, 1)),
    })
    const frame = enc.frame(0, hb)
    expect(frame.length).toBe(21 + 13)
    const [f] = parse(frame)
    expect(f!.signed).toBe(true)
    expect(new SignatureChecker(key).check(f!)).toBe('ok')
    expect(new MavLinkPacketSignature(Buffer.from(frame)).matches(Buffer.from(key))).toBe(true)
  })

  it('gives strictly increasing timestamps to frames signed in the same millisecond', () => {
    const signer = new Signer(key, 0, () => 1_800_000_000_000)
    const a = signer.nextTimestamp()
    const b = signer.nextTimestamp()
    expect(b).toBe(a + 1)
  })

  it('refuses a replayed frame, a wrong key and an unsigned frame', () => {
    const enc = new FrameEncoder({ sysid: 1, compid: 1, signer: new Signer(key) })
    const checker = new SignatureChecker(key)
    const frame = enc.frame(0, hb)
    expect(checker.check(parse(frame)[0]!)).toBe('ok')
    expect(checker.check(parse(frame)[0]!)).toBe('replay')
    expect(new SignatureChecker(signingKey('other')).check(parse(enc.frame(0, hb))[0]!)).toBe('bad-signature')
    const plain = new FrameEncoder({ sysid: 1, compid: 1 }).frame(0, hb)
    expect(checker.check(parse(plain)[0]!)).toBe('unsigned')
  })
})
