// An error nobody expected, anywhere in the process (a rejected promise no one awaits, a throw in a timer):
// every lab of the process is torn down first, then the process exits 70 with the cause on one line. Without
// this, Node would print a stack and exit with the labs still up.
import { readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { fileURLToPath } from 'node:url'
import { EXIT } from '../engine/model/errors.ts'
import { visible } from '../engine/model/visible.ts'
import { runInterruptCleanups } from '../engine/runtime/teardown.ts'

let crashing = false

/** The error's message and where it was thrown, on one line. */
export function oneLineCause(error: unknown): string {
  if (!(error instanceof Error)) return visible(String(error))
  const where = error.stack
    ?.split('\n')
    .find((line) => line.trim().startsWith('at '))
    ?.trim()
  return visible(`${error.name}: ${error.message}${where ? ` (${inSources(where)})` : ''}`)
}

/** A stack frame in the compiled copy of a checkout (bin/compile.mjs) named by its source file and line, from the
 * copy's source map: read here, on a crash only, since Node's own source map support costs every run. */
export function inSources(frame: string): string {
  const at = frame.match(/(file:\/\/\S+?\.js):(\d+):(\d+)/)
  if (!at) return frame
  try {
    const map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(at[1])}.map`, 'utf8')))
    const entry = map.findEntry(Number(at[2]) - 1, Number(at[3]) - 1)
    if (!('originalSource' in entry)) return frame
    const source = fileURLToPath(new URL(entry.originalSource, at[1]))
    return frame.replace(at[0], `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`)
  } catch {
    return frame // no map beside it: dist/, as tsc compiled it
  }
}

/** Tears down every lab, says what could not be removed, and exits (70 unless told). Only the first call does anything. */
export async function crash(
  error: unknown,
  why = `unexpected error: ${oneLineCause(error)}`,
  exitCode: number = EXIT.internal,
): Promise<never> {
  if (!crashing) {
    crashing = true
    console.error(`socket-lab: ${why}`)
    const left = await runInterruptCleanups().catch((e: Error) => [`the teardown failed: ${e.message}`])
    if (left.length) console.error(`socket-lab: ${left.join('; ')}; \`npm run lab -- clean\` removes it`)
    process.exit(exitCode)
  }
  return new Promise<never>(() => undefined) // the first call exits
}

/** Standard output closed by its reader (`lab all | head -1`): not a bug of the lab. The run stops as on a signal,
 * its labs are taken down, and the process exits 141, as a shell reports a command ended by SIGPIPE. */
function outputClosed(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') return void crash(error)
  void crash(error, 'standard output was closed by its reader: the run stopped and its labs were taken down', EXIT.pipe)
}

export function tearDownOnCrash(): void {
  process.on('uncaughtException', (error) => void crash(error))
  process.on('unhandledRejection', (reason) => void crash(reason))
  process.stdout.on('error', outputClosed)
}
