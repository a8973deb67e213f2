/**
 * A received message as subscribers see it: header fields at once, `fields` decoded on first
 * access only (through node-mavlink, cached), so a stream nobody reads costs no decoding. A
 * message whose id is not in our definitions has `name` undefined and `fields` undefined; its raw
 * `bytes` (signature included) can be forwarded untouched.
 */
import { MavLinkProtocolV2 } from 'node-mavlink'
import type { Frame } from './codec/Frame.ts'
import { messageClass, messageName } from './codec/messages.ts'

const decoder = new MavLinkProtocolV2()

/**
 * One received MAVLink message.
 *
 * @example
 * proxy.on('HEARTBEAT', (msg) => console.log(msg.sysid, msg.fields.autopilot))
 *
 * @category models
 */
export class MavlinkMessage<T = Record<string, unknown>> {
  private decoded: T | undefined = undefined

  constructor(
    readonly frame: Frame,
    /** Clock time of arrival, ms. */
    readonly receivedAt: number,
  ) {}

  get msgid(): number {
    return this.frame.msgid
  }
  /** Wire name (`HEARTBEAT`), undefined for an id outside our definitions. */
  get name(): string | undefined {
    return messageName(this.frame.msgid)
  }
  get sysid(): number {
    return this.frame.sysid
  }
  get compid(): number {
    return this.frame.compid
  }
  get seq(): number {
    return this.frame.seq
  }
  get version(): 1 | 2 {
    return this.frame.version
  }
  get signed(): boolean {
    return this.frame.signed
  }
  /** The whole frame as received. */
  get bytes(): Uint8Array {
    return this.frame.bytes
  }

  /** The decoded fields (node-mavlink's camelCase names); undefined for an unknown id. */
  get fields(): T {
    if (this.decoded === undefined) {
      const clazz = messageClass(this.frame.msgid)
      if (clazz === undefined) return undefined as T
      const p = this.frame.payload
      this.decoded = decoder.data(Buffer.from(p.buffer, p.byteOffset, p.byteLength), clazz) as T
    }
    return this.decoded
  }

  toJSON(): Record<string, unknown> {
    return { msgid: this.msgid, name: this.name, sysid: this.sysid, compid: this.compid, seq: this.seq }
  }
}
