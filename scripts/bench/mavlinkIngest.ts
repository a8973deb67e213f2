/**
 * The ingest half of the MAVLink benchmark: frames per second from bytes to subscribers, on a real
 * mixed stream (the 23,894 frames of vtol.tlog, timestamps stripped, repeated), fed in 4 KiB chunks
 * as a serial or TCP read delivers them, with one message type (ATTITUDE, 888 of each 23,894)
 * subscribed and its fields read. Against node-mavlink 2.3 in the same process: its splitter and
 * parser alone, and with the full decode its users do (`protocol.data` on every packet).
 */
import { readFileSync } from 'node:fs'
import { PassThrough } from 'node:stream'
import { ardupilotmega, common, MavLinkPacketParser, MavLinkPacketSplitter, minimal } from 'node-mavlink'
import { FrameParser } from '../../actors/mavlink/codec/FrameParser.ts'
import { readTlog } from '../../actors/mavlink/codec/tlog.ts'
import { Dispatch } from '../../actors/mavlink/Dispatch.ts'
import { vtolTlogPath } from '../../actors/mavlink/sim/paramTable.ts'

const CHUNK = 4096

/** The raw stream: vtol.tlog's frames back to back, `repeat` times; with its frame count. */
export function rawStream(repeat: number): { bytes: Buffer; frames: number } {
  const { records } = readTlog(readFileSync(vtolTlogPath()))
  const once = Buffer.concat(records.map((r) => Buffer.from(r.frame.bytes)))
  return { bytes: Buffer.concat(new Array(repeat).fill(once)), frames: records.length * repeat }
}

/** Ours: parser and dispatch, ATTITUDE subscribed and decoded. Returns ms and frames seen. */
export function oursIngest(bytes: Buffer): { ms: number; frames: number; delivered: number } {
  const parser = new FrameParser()
  const dispatch = new Dispatch()
  let delivered = 0
  let sink = 0
  dispatch.add('ATTITUDE', (m) => {
    delivered++
    sink += (m.fields as { roll: number }).roll
  })
  const t0 = performance.now()
  const deliver = (f: Parameters<Dispatch['deliver']>[0]) => dispatch.deliver(f, 0)
  for (let i = 0; i < bytes.length; i += CHUNK) parser.push(bytes.subarray(i, i + CHUNK), deliver)
  const ms = performance.now() - t0
  if (Number.isNaN(sink)) throw new Error('unreachable')
  return { ms, frames: parser.stats.frames, delivered }
}

const REGISTRY = { ...minimal.REGISTRY, ...common.REGISTRY, ...ardupilotmega.REGISTRY } as Record<
  number,
  unknown
>

/** node-mavlink: splitter → parser, with or without decoding every packet. */
export function nodeMavlinkIngest(bytes: Buffer, decode: boolean): Promise<{ ms: number; frames: number }> {
  return new Promise((resolve, reject) => {
    const source = new PassThrough()
    const parser = new MavLinkPacketParser()
    let frames = 0
    let t0 = 0
    parser.on(
      'data',
      (p: {
        header: { msgid: number }
        payload: Buffer
        protocol: { data(b: Buffer, c: unknown): unknown }
      }) => {
        frames++
        if (decode) {
          const clazz = REGISTRY[p.header.msgid]
          if (clazz !== undefined) p.protocol.data(p.payload, clazz)
        }
      },
    )
    parser.on('end', () => resolve({ ms: performance.now() - t0, frames }))
    parser.on('error', reject)
    source.pipe(new MavLinkPacketSplitter()).pipe(parser)
    t0 = performance.now()
    for (let i = 0; i < bytes.length; i += CHUNK) source.write(bytes.subarray(i, i + CHUNK))
    source.end()
  })
}
