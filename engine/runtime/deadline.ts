// A deadline for a phase that talks to Docker: a hung phase fails the scenario, saying which phase it was,
// instead of hanging the run.
import { errors } from '../model/errors.ts'

export async function withDeadline<T>(work: Promise<T>, ms: number, phase: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(errors.phaseTimeout(phase, ms)), ms)),
  )
  try {
    return await Promise.race([work, expired])
  } finally {
    clearTimeout(timer)
  }
}
