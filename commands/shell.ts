// `lab shell <host>`: an interactive shell in a live lab's host, in its program container, as the programs' own
// unprivileged user: what a program there can see and do, a person can try.
import { errors } from '../engine/model/errors.ts'
import { dockerAttached } from '../engine/runtime/docker.ts'
import { LAB, chooseHost } from './live.ts'
import { defineCommand } from './table.ts'

const command = defineCommand({
  name: 'shell',
  synopsis: 'shell <host> [--lab NAME]',
  summary: "an interactive shell in a live lab's host, as its programs' user (ss, ip, nc, python3, node, wget)",
  positionals: true,
  options: { lab: LAB },
  async run(values, [hostName, ...rest]) {
    const { host } = await chooseHost(values.lab, hostName)
    if (rest.length)
      throw errors.usage(`lab shell takes one host, not "${rest.join(' ')}" (one command: lab exec ${hostName} -- ...)`)
    return dockerAttached([
      'exec',
      process.stdin.isTTY ? '-it' : '-i',
      '-u',
      'lab',
      '-w',
      '/tmp',
      '-e',
      'HOME=/tmp',
      host.program,
      'bash',
      '-l',
    ]).exited
  },
})

export default command
