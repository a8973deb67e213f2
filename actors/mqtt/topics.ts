/**
 * The original's wire details shared by the mqtt proxy and the health publisher: the device base
 * topic `org/<orgId>/device/Instance-<machineId>`, the `deviceId` (`Instance-<machineId>`), and
 * timestamps as Python's `datetime.now().isoformat()` prints them (local time, no zone, six
 * fractional digits).
 */

/** `Instance-<machineId>`, the `deviceId` stamped on everything published. */
export function deviceId(machineId: string): string {
  return `Instance-${machineId}`
}

/**
 * The device's base topic.
 *
 * @example
 * deviceBase('org-1', 'abc') // 'org/org-1/device/Instance-abc'
 *
 * @category wire
 */
export function deviceBase(organizationId: string, machineId: string): string {
  return `org/${organizationId}/device/${deviceId(machineId)}`
}

/**
 * Local time as `YYYY-MM-DDTHH:MM:SS.ffffff` (Python's naive `isoformat()`).
 *
 * @example
 * localIsoTimestamp(new Date(2026, 0, 6, 10, 14, 22, 652)) // '2026-01-06T10:14:22.652000'
 *
 * @category wire
 */
export function localIsoTimestamp(d: Date = new Date()): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`
}
