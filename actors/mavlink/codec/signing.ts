/**
 * MAVLink 2 message signing (mavlink.io guide/message_signing): a 13-byte trailer of link id,
 * 48-bit timestamp (10 µs units since 2015-01-01) and the first 6 bytes of
 * SHA-256(key ‖ header ‖ payload ‖ crc ‖ link id ‖ timestamp). Our timestamps strictly increase
 * per link even when two frames are signed in the same millisecond (node-mavlink reuses them).
 * On receive, a frame is accepted only with a matching signature and a timestamp newer than the
 * last one from the same (sysid, compid, link id); unsigned frames are refused when signing is
 * required. The key is SHA-256 of the passphrase (Mission Planner's convention) unless given as
 * 64 hex digits.
 */
import { createHash } from 'node:crypto'
import type { Frame } from './Frame.ts'
import { IFLAG_SIGNED, SIGNATURE_LENGTH } from './Frame.ts'

/** 2015-01-01T00:00:00Z in Unix ms. */
export const SIGNING_EPOCH_MS = Date.UTC(2015, 0, 1)

/** A 32-byte signing key from `PETAL_MAVLINK_SIGNING_KEY`: 64 hex digits, else SHA-256 of the text. */
export function signingKey(secret: string): Uint8Array {
  if (/^[0-9a-fA-F]{64}$/.test(secret)) return Buffer.from(secret, 'hex')
  return createHash('sha256').update(secret).digest()
}

function signature(key: Uint8Array, signedPart: Uint8Array): Buffer {
  return createHash('sha256').update(key).update(signedPart).digest().subarray(0, 6)
}

/**
 * Signs outgoing frames of one link.
 *
 * @category codec
 */
export class Signer {
  private last = 0

  constructor(
    private readonly key: Uint8Array,
    private readonly linkId = 0,
    /** Wall-clock ms (Unix); injectable for tests. */
    private readonly wallNow: () => number = Date.now,
  ) {}

  /** The next timestamp: wall time in 10 µs units, strictly above the previous one. */
  nextTimestamp(): number {
    const t = Math.max(this.last + 1, Math.floor((this.wallNow() - SIGNING_EPOCH_MS) * 100))
    this.last = t
    return t
  }

  /** Appends the signature to `frame` (whose incompat flag is already set); returns the signed frame. */
  sign(frame: Uint8Array): Uint8Array {
    const out = new Uint8Array(frame.length + SIGNATURE_LENGTH)
    out.set(frame, 0)
    const at = frame.length
    out[at] = this.linkId
    writeUint48(out, at + 1, this.nextTimestamp())
    out.set(signature(this.key, out.subarray(0, at + 7)), at + 7)
    return out
  }
}

/** Why a received frame was refused. */
export type SignatureVerdict = 'ok' | 'unsigned' | 'bad-signature' | 'replay'

/**
 * Checks incoming frames against a key.
 *
 * @category codec
 */
export class SignatureChecker {
  private readonly lastSeen = new Map<number, number>()

  constructor(private readonly key: Uint8Array) {}

  check(frame: Frame): SignatureVerdict {
    if (frame.version !== 2 || !frame.signed) return 'unsigned'
    const bytes = frame.bytes
    const at = bytes.length - SIGNATURE_LENGTH
    const expected = signature(this.key, bytes.subarray(0, at + 7))
    for (let i = 0; i < 6; i++) if (bytes[at + 7 + i] !== expected[i]) return 'bad-signature'
    const stream = (frame.sysid << 16) | (frame.compid << 8) | bytes[at]!
    const ts = readUint48(bytes, at + 1)
    const prev = this.lastSeen.get(stream)
    if (prev !== undefined && ts <= prev) return 'replay'
    this.lastSeen.set(stream, ts)
    return 'ok'
  }
}

/** True when the frame header says "signed". */
export function isSignedHeader(frame: Uint8Array): boolean {
  return frame[0] === 0xfd && (frame[2]! & IFLAG_SIGNED) !== 0
}

function writeUint48(b: Uint8Array, at: number, v: number): void {
  for (let i = 0; i < 6; i++) {
    b[at + i] = v % 256
    v = Math.floor(v / 256)
  }
}

function readUint48(b: Uint8Array, at: number): number {
  let v = 0
  for (let i = 5; i >= 0; i--) v = v * 256 + b[at + i]!
  return v
}
