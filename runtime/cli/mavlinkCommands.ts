/**
 * Registers the MAVLink commands on the `petal` program: `sim`, `params get`, `params set`,
 * `reboot`. Their code is imported only when one of them runs, so other commands do not load the
 * MAVLink stack.
 */
import { type Command, Option } from 'commander'

const collect = (v: string, list: string[]): string[] => [...list, v]

/** Adds the MAVLink commands to `program`. */
export function registerMavlinkCommands(program: Command): void {
  program
    .command('sim')
    .description(
      'run the simulated autopilot (ArduPilot or PX4 parameter and reboot behaviour) behind a lossy link',
    )
    .addOption(
      new Option('--autopilot <kind>', 'autopilot to imitate')
        .choices(['ardupilot', 'px4'])
        .default('ardupilot'),
    )
    .option('--listen <endpoint>', 'udpin:H:P or tcpin:H:P (default udpin:127.0.0.1:14550)')
    .option('--connect <endpoint>', 'udpout:H:P or tcp:H:P')
    .option('--serial <dev:baud>', 'serial device, e.g. /dev/pts/3:57600')
    .option('--loss <p>', 'frame loss each way, 0..1')
    .option('--latency-ms <n>', 'one-way latency, ms')
    .option('--baud <n>', 'link rate in bit/s (10 bits per byte), both ways')
    .option('--seed <n>', 'seed of the lossy link')
    .option('--sysid <n>', 'system id of the vehicle (default 1)')
    .option('--armed', 'armed: reboots are refused (FAILED)', false)
    .option('--param-errors', 'newer ArduPilot: PARAM_ERROR for unknown names and denied writes', false)
    .option('--reboot-silence-ms <n>', 'silence after a reboot, ms (default 3000)')
    .option('--drop <message>', 'lose every frame of this message on the way down (repeatable)', collect, [])
    .action(async (opts) => {
      const { runSim } = await import('./simCommand.ts')
      process.exitCode = await runSim(opts)
    })

  const params = program.command('params').description('read and write autopilot parameters')
  params
    .command('get')
    .description('read parameters by name, or all of them')
    .argument('[names...]', 'parameter names')
    .option('--all', 'read every parameter', false)
    .option(
      '--endpoint <endpoint>',
      'MAVLink endpoint (default PETAL_MAVLINK_ENDPOINT, else udpout:127.0.0.1:14550)',
    )
    .option('--json', 'print one JSON object', false)
    .option('--timeout <s>', 'deadline of the whole read, s (default 10, 60 with --all)')
    .action(async (names: string[], opts) => {
      const { runParamsGet } = await import('./paramsCommand.ts')
      process.exitCode = await runParamsGet(names, opts)
    })
  params
    .command('set')
    .description('set parameters and confirm each echo')
    .argument('[assignments...]', 'NAME=VALUE[:TYPE]')
    .option('--file <file>', 'JSON object { NAME: value | [value, type] | { value, type } }')
    .option(
      '--endpoint <endpoint>',
      'MAVLink endpoint (default PETAL_MAVLINK_ENDPOINT, else udpout:127.0.0.1:14550)',
    )
    .option('--json', 'print one JSON object', false)
    .option('--max-in-flight <n>', 'parameters awaiting their echo at once (default 8)')
    .option('--timeout <s>', 'deadline of the whole set, s (default 30)')
    .action(async (assignments: string[], opts) => {
      const { runParamsSet } = await import('./paramsCommand.ts')
      process.exitCode = await runParamsSet(assignments, opts)
    })

  program
    .command('reboot')
    .description('reboot the autopilot')
    .option(
      '--endpoint <endpoint>',
      'MAVLink endpoint (default PETAL_MAVLINK_ENDPOINT, else udpout:127.0.0.1:14550)',
    )
    .option('--json', 'print one JSON object', false)
    .addOption(
      new Option('--confirm <how>', 'what decides success').choices(['ack', 'heartbeat']).default('ack'),
    )
    .option('--timeout <s>', 'wait for the autopilot, s (default 10)')
    .action(async (opts) => {
      const { runReboot } = await import('./rebootCommand.ts')
      process.exitCode = await runReboot(opts)
    })
}
