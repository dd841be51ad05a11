// What the scenario tests share: a scenario with one host's program swapped for a broken fixture, and a run's
// failed checks by description, so a test can assert the exact reason each one gives.
import type { ScenarioResult } from '../../engine/model/result.ts'
import type { Scenario } from '../../engine/model/scenario.ts'

export function withProgram(scenario: Scenario, host: string, program: string): Scenario {
  return { ...scenario, hosts: { ...scenario.hosts, [host]: { ...scenario.hosts[host], program } } }
}

export function failedChecks(result: ScenarioResult): Record<string, string> {
  return Object.fromEntries(result.checks.filter((c) => !c.passed).map((c) => [c.description, c.reason]))
}
