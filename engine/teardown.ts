// What must be undone if the process is interrupted (SIGINT, SIGTERM) in the middle of any phase.
type Cleanup = () => Promise<void>

const pending = new Set<Cleanup>()

/** Registers a cleanup for an interruption; call the returned function once it has run normally. */
export function onInterrupt(cleanup: Cleanup): () => void {
  pending.add(cleanup)
  return () => pending.delete(cleanup)
}

export async function runInterruptCleanups(): Promise<void> {
  const cleanups = [...pending]
  pending.clear()
  await Promise.allSettled(cleanups.map((cleanup) => cleanup()))
}
