// What SIGINT and SIGTERM do in a command (lab, soak): the first tears every lab down and says whether anything
// remains; a second one leaves at once, saying what it did not wait for (the `docker compose down` commands
// run on in their own process group).
import { EXIT } from '../model/errors.ts'
import { pendingCleanups, runInterruptCleanups } from './teardown.ts'

/** npm relays the terminal's Ctrl-C to this process, which also gets it directly: one key press can arrive
 * twice within milliseconds. Only a signal later than this counts as a second one. (The scripts run
 * `node --import tsx`, not tsx's CLI: that CLI SIGKILLs its child when the child's event loop takes more than
 * 30 ms to acknowledge a signal, as it can on a loaded machine, and the lab would be left up.) */
const SIGNAL_ECHO_MS = 1000

export function tearDownOnSignals(): void {
  let stoppingSince: number | undefined
  let pendingTeardown: string[] = []
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      const exitCode = signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated
      if (stoppingSince !== undefined) {
        if (Date.now() - stoppingSince < SIGNAL_ECHO_MS) return
        const pending = pendingTeardown.length ? pendingTeardown.join(', ') : 'nothing'
        console.error(
          `socket-lab: ${signal} again, leaving without waiting for the teardown of ${pending}; \`npm run lab -- clean\` removes whatever remains`,
        )
        process.exit(exitCode)
      }
      stoppingSince = Date.now()
      pendingTeardown = pendingCleanups()
      console.error(
        `\nsocket-lab: ${signal}, tearing down ${pendingTeardown.join(', ') || 'nothing (no lab was up)'}; press Ctrl-C again to stop waiting`,
      )
      void runInterruptCleanups()
        .then(
          (left) =>
            console.error(
              left.length
                ? `socket-lab: ${left.join('; ')}; \`npm run lab -- clean\` removes it`
                : 'socket-lab: torn down, nothing left behind',
            ),
          (error: Error) =>
            console.error(
              `socket-lab: the teardown failed: ${error.message}; \`npm run lab -- clean\` removes what remains`,
            ),
        )
        .finally(() => process.exit(exitCode))
    })
  }
}
