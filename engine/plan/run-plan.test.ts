import { expect, it } from 'vitest'
import { projectName, runOfFolder, runOfProject } from './run-plan.ts'

it('reads back the scenario and run id of the names it builds, and ignores other names', () => {
  expect(runOfProject(projectName('tcp-basic', 'mwvzl102185e9c'))).toEqual({
    scenario: 'tcp-basic',
    runId: 'mwvzl102185e9c',
  })
  expect(runOfFolder('socket-lab-run-socketlab-tcp-basic-mwvzl102185e9c-Ab3xYz')).toEqual({
    scenario: 'tcp-basic',
    runId: 'mwvzl102185e9c',
  })
  expect(runOfFolder('socket-lab-run-4hrWBP')).toBeUndefined()
  expect(runOfFolder('socket-lab-live-runs')).toBeUndefined()
  expect(runOfProject('compose-demo')).toBeUndefined()
})
