import { defineScenario } from 'socket-lab'
import { allReplies, client, server } from '../hosts.ts'

export default defineScenario({
  title: 'A fifth of the packets to the service are lost: every request still gets its reply',
  teaches: 'retry on timeout',
  deadlineMs: 40_000,
  hosts: { server: server(), client },
  faults: [{ kind: 'loss', host: 'server', percent: 20 }],
  expect: { server: { exit: 'running' }, client: { exit: 0, prints: allReplies } },
})
