/**
 * Guards `actors/mavlink/transport/endpoint.ts` (issue 3): pymavlink-style endpoint strings.
 */
import { describe, expect, it } from 'vitest'
import { MavlinkValidationError } from '../../../actors/mavlink/errors.ts'
import { formatEndpoint, parseEndpoint } from '../../../actors/mavlink/transport/endpoint.ts'

describe('endpoint strings', () => {
  it('parses every form, udp meaning udpin', () => {
    expect(parseEndpoint('udpin:0.0.0.0:14550')).toEqual({ kind: 'udpin', host: '0.0.0.0', port: 14550 })
    expect(parseEndpoint('udp:127.0.0.1:14551')).toEqual({ kind: 'udpin', host: '127.0.0.1', port: 14551 })
    expect(parseEndpoint('udpout:10.0.0.2:14550')).toEqual({ kind: 'udpout', host: '10.0.0.2', port: 14550 })
    expect(parseEndpoint('tcp:localhost:5760')).toEqual({ kind: 'tcp', host: 'localhost', port: 5760 })
    expect(parseEndpoint('tcpin:[::1]:5760')).toEqual({ kind: 'tcpin', host: '::1', port: 5760 })
    expect(parseEndpoint('serial:/dev/ttyUSB0:57600')).toEqual({
      kind: 'serial',
      path: '/dev/ttyUSB0',
      baud: 57600,
    })
    expect(parseEndpoint('serial:/dev/ttyUSB0', 921600)).toEqual({
      kind: 'serial',
      path: '/dev/ttyUSB0',
      baud: 921600,
    })
    expect(parseEndpoint('/dev/ttyACM0', 57600)).toEqual({
      kind: 'serial',
      path: '/dev/ttyACM0',
      baud: 57600,
    })
  })

  it('round-trips through formatEndpoint', () => {
    for (const s of ['udpin:0.0.0.0:14550', 'udpout:1.2.3.4:1', 'tcpin:[::1]:5760', 'serial:/dev/x:57600'])
      expect(formatEndpoint(parseEndpoint(s))).toBe(s)
  })

  it('refuses bad strings with a message naming the forms', () => {
    for (const bad of [
      '',
      'udpin:1.2.3.4',
      'ftp:h:1',
      'udpout:h:0',
      'udpout:h:99999',
      'serial:/dev/x:fast',
      'tcp::5',
    ]) {
      expect(() => parseEndpoint(bad)).toThrow(MavlinkValidationError)
    }
    expect(() => parseEndpoint('ftp:h:1')).toThrow(/expected udpin:HOST:PORT/)
  })
})
