// The two hosts every lab of this suite runs: the service and its client, both from service/Dockerfile. Not in
// labs/, where every file is a scenario; its relative paths count from the scenario file that uses them.
import type { HostSpec } from 'socket-lab'

const build = { context: '../service', args: { BASE_IMAGE: process.env.BASE_IMAGE ?? 'node:24-bookworm-slim' } }

export const server = (over: Partial<HostSpec> = {}): HostSpec => ({ build, listens: 7000, ...over })
export const client: HostSpec = { build, command: ['node', '/app/client.mjs'] }
/** What the client prints when every request got its reply. */
export const allReplies = [...Array.from({ length: 10 }, (_, i) => `pong ${i + 1}`), 'done: 10 replies']
