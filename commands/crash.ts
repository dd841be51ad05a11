// An error nobody expected, anywhere in the process (a rejected promise no one awaits, a throw in a timer):
// every lab of the process is torn down first, then the process exits 70 with the cause on one line. Without
// this, Node would print a stack and exit with the labs still up.
import { EXIT } from '../engine/model/errors.ts'
import { visible } from '../engine/model/visible.ts'
import { runInterruptCleanups } from '../engine/runtime/teardown.ts'

let crashing = false

/** The error's message and where it was thrown, on one line. */
export function oneLineCause(error: unknown): string {
  if (!(error instanceof Error)) return visible(String(error))
  const where = error.stack?.split('\n').find((line) => line.trim().startsWith('at '))?.trim()
  return visible(`${error.name}: ${error.message}${where ? ` (${where})` : ''}`)
}

/** Tears down every lab, says what could not be removed, and exits 70. Only the first call does anything. */
export async function crash(error: unknown): Promise<never> {
  if (!crashing) {
    crashing = true
    console.error(`socket-lab: unexpected error: ${oneLineCause(error)}`)
    const left = await runInterruptCleanups().catch((e: Error) => [`the teardown failed: ${e.message}`])
    if (left.length) console.error(`socket-lab: ${left.join('; ')}; \`npm run lab -- clean\` removes it`)
    process.exit(EXIT.internal)
  }
  return new Promise<never>(() => undefined) // the first call exits
}

export function tearDownOnCrash(): void {
  process.on('uncaughtException', (error) => void crash(error))
  process.on('unhandledRejection', (reason) => void crash(reason))
}
