#!/usr/bin/env node
/**
 * `petal`: the one command. `petal start` runs the runtime (JSON log lines on stdout, one `ready`
 * line once the tree is up; SIGINT/SIGTERM stop it in reverse order and exit 0); `petal config
 * check` prints the resolved config or every error. Exit codes: 0 ok, 1 unexpected error,
 * 2 bad usage, 70 the root supervisor gave up (let the init system restart us), 78 invalid config.
 * Commands load their modules on demand, so `--help` and `--version` stay fast.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { registerMavlinkCommands } from './mavlinkCommands.ts'
import { packageVersion } from './version.ts'

const program = new Command()
  .name('petal')
  .description(
    'The petal runtime: petals and proxies for drone companion computers, under a supervision tree',
  )
  .version(packageVersion(), '-V, --version', 'print the version')
  .showHelpAfterError()
  .exitOverride()

const port = (v: string): string => {
  if (!/^\d+$/.test(v) || Number(v) > 65535)
    throw new InvalidArgumentError(`expected an integer port 0..65535, got '${v}'`)
  return v
}

program
  .command('start')
  .description('start the runtime')
  .option('-c, --config <file>', 'YAML config (default: ./petal.yaml, else ./proxies.yaml)')
  .option('--env-file <file>', '.env file (default: .env beside the config, else in the working directory)')
  .option('--sim', 'demo mode: embedded defaults, no external server', false)
  .option('--http-port <port>', 'HTTP port (overrides PETAL_HTTP_PORT; 0 picks a free port)', port)
  .addOption(
    new Option('--log-level <level>', 'log level (overrides PETAL_LOG_LEVEL)').choices([
      'trace',
      'debug',
      'info',
      'warning',
      'warn',
      'error',
      'critical',
      'fatal',
      'silent',
      'DEBUG',
      'INFO',
      'WARNING',
      'ERROR',
      'CRITICAL',
    ]),
  )
  .option('--seed <n>', 'seed of the supervision random (backoff jitter), for reproducible runs')
  .option(
    '--inspect [port]',
    'relay the live actors and machines to the Stately inspector (a loopback page on this port, default 8080)',
  )
  .action(async (opts: StartFlags) => {
    const { runStart } = await import('./start.ts')
    process.exitCode = await runStart(opts)
  })

const config = program.command('config').description('work with the configuration')
config
  .command('check')
  .description('validate the configuration and print it resolved (exit 78 when invalid)')
  .option('-c, --config <file>', 'YAML config (default: ./petal.yaml, else ./proxies.yaml)')
  .option('--env-file <file>', '.env file')
  .option('--sim', 'check the --sim configuration', false)
  .action(async (opts: { config?: string; envFile?: string; sim: boolean }) => {
    const { configCheck } = await import('./configCheck.ts')
    process.exitCode = await configCheck(opts)
  })

registerMavlinkCommands(program)

program
  .command('machines')
  .description('the XState machines the runtime runs')
  .command('export')
  .description("write every machine's diagram, rendered offline from its definition")
  .addOption(
    new Option('--format <format>', 'diagram format').choices(['mermaid', 'dot', 'json']).default('mermaid'),
  )
  .option('--out <dir>', "output folder ('-' prints to stdout)", 'diagrams')
  .action(async (opts: { format: 'mermaid' | 'dot' | 'json'; out: string }) => {
    const { exportMachines } = await import('./machinesCommand.ts')
    process.exitCode = await exportMachines(opts)
  })

interface StartFlags {
  config?: string
  envFile?: string
  sim: boolean
  httpPort?: string
  logLevel?: string
  seed?: string
  inspect?: string | true
}

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? 0 : 2
    return
  }
  process.stderr.write(`petal: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exitCode = 1
})
