import { defineScenario } from 'socket-lab'
import { allReplies, client, server } from '../hosts.ts'

export default defineScenario({
  title: 'The network between client and service is cut for 2.5 s, then heals: the client carries on',
  teaches: 'retry across a partition',
  deadlineMs: 40_000,
  hosts: { server: server(), client },
  faults: [{ kind: 'partition', between: ['client', 'server'], atMs: 600, forMs: 2500 }],
  expect: { server: { exit: 'running' }, client: { exit: 0, prints: allReplies } },
})
