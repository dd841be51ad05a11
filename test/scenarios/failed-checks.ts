// The failed checks of a run as { description: reason }, so a test asserts exactly which failed and why.
import type { Check } from '../../engine/model/scenario.ts'

export const failedChecks = (checks: Check[]): Record<string, string> =>
  Object.fromEntries(checks.filter((c) => !c.passed).map((c) => [c.description, c.reason]))
