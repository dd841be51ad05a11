// socket-lab's command line: a thin dispatcher. Each command is a module of commands/ with its own option table
// (its usage text comes from the same table); only the chosen one is loaded, since every module loaded before a
// lab comes up delays it.
import './engine/runtime/compile-cache.ts'
import { EXIT, LabError } from './engine/model/errors.ts'
import { tearDownOnSignals } from './engine/runtime/signals.ts'
import { crash, tearDownOnCrash } from './commands/crash.ts'
import { chooseCommand, globalUsage } from './commands/index.ts'
import { commandUsage, parseCommand } from './commands/table.ts'

async function main(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    console.log(await globalUsage())
    return EXIT.passed
  }
  const { command, args } = await chooseCommand(argv)
  const { values, positionals } = parseCommand(command, args)
  if (values.help) {
    console.log(command.name ? commandUsage(command) : await globalUsage())
    return EXIT.passed
  }
  return command.run(values, positionals)
}

tearDownOnSignals()
tearDownOnCrash()

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (error) {
  if (!(error instanceof LabError)) await crash(error)
  console.error(`socket-lab: ${(error as LabError).message}`)
  process.exitCode = (error as LabError).exitCode
}
