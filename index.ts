// socket-lab as a library: what a project's scenario files and test files import from 'socket-lab'.
export { defineScenario } from './engine/model/scenario.ts'
export type {
  BurstModel,
  Check,
  Direction,
  Distribution,
  Fault,
  HostExpectation,
  HostProgram,
  HostRun,
  HostSpec,
  Impl,
  LabRun,
  OutputLine,
  Packet,
  ParametrizedScenarioDef,
  Params,
  Protocol,
  Scenario,
  ScenarioDef,
} from './engine/model/scenario.ts'
export type { ScenarioResult, Verdict } from './engine/model/result.ts'
export { ScenarioFailed, expectPassed, failureReport, runScenario, type ApiRunOptions } from './engine/tasks/api.ts'
export { loadCatalog, loadScenario } from './engine/plan/catalog.ts'
