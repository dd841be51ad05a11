import { defineScenario } from 'socket-lab'
import { allReplies, client, server } from '../hosts.ts'

export default defineScenario({
  title: 'The service crashes after 4 replies and is back a second later: the client carries on',
  teaches: 'retry on a refused connection',
  deadlineMs: 40_000,
  hosts: {
    server: server({
      command: ['sh', '-c', 'CRASH_AFTER=4 node /app/server.mjs; echo restarting; sleep 1; exec node /app/server.mjs'],
    }),
    client,
  },
  expect: {
    server: {
      exit: 'running',
      prints: ['listening on 7000', 'crashing after 4 requests', 'restarting', 'listening on 7000'],
    },
    client: { exit: 0, prints: allReplies },
  },
})
