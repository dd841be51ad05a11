// Labels on every resource a run creates, so `lab clean` can find what a killed run left.
// A live lab (`lab up`) also carries its name as socket-lab.live: it outlives the process that brought it up.
export const LABEL = { run: 'socket-lab.run', scenario: 'socket-lab.scenario', live: 'socket-lab.live' } as const
