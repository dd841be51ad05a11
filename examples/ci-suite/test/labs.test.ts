// The suite a team runs in CI: each lab through socket-lab's API, each failed check a line of the failure.
import { describe, it } from 'vitest'
import { expectPassed, runScenario } from 'socket-lab'

describe('the client survives the network', () => {
  it.each(['loss', 'partition-heal', 'server-restart'])('%s', async (lab) => {
    expectPassed(await runScenario(`labs/${lab}.ts`))
  })
})
