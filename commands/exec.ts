// `lab exec <host> -- cmd...`: one command in a live lab's host, as its programs' user; its exit code is the lab's.
import { errors } from '../engine/model/errors.ts'
import { dockerAttached } from '../engine/runtime/docker.ts'
import { LAB, chooseHost } from './live.ts'
import { defineCommand } from './table.ts'

const command = defineCommand({
  name: 'exec',
  synopsis: 'exec <host> [--lab NAME] -- <command>...',
  summary: "run one command in a live lab's host as its programs' user; exit code passed through",
  positionals: true,
  options: { lab: LAB },
  async run(values, [hostName, ...argv]) {
    if (!argv.length) throw errors.usage('lab exec takes a host and a command: lab exec client -- ss -tn')
    const { host } = await chooseHost(values.lab, hostName)
    return dockerAttached([
      'exec',
      ...(process.stdin.isTTY ? ['-it'] : ['-i']),
      '-u',
      'lab',
      '-w',
      '/tmp',
      '-e',
      'HOME=/tmp',
      host.program,
      ...argv,
    ]).exited
  },
})

export default command
