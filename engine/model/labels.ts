// Labels on every resource a run creates, so `lab clean` can find what a killed run left.
export const LABEL = { run: 'socket-lab.run', scenario: 'socket-lab.scenario' } as const
