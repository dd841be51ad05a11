// `lab clean [<scenario>...]`: removes what interrupted runs left behind, and names it.
import * as docker from '../engine/runtime/docker.ts'
import { EXIT } from '../engine/model/errors.ts'
import { clean, describeClean } from '../engine/tasks/clean.ts'
import { say } from './shared.ts'
import { defineCommand } from './table.ts'

const command = defineCommand({
  name: 'clean',
  synopsis: 'clean [<scenario>...] [--images]',
  summary: 'remove what interrupted runs (of these scenarios) left behind',
  positionals: true,
  options: {
    images: {
      type: 'boolean',
      help: "also remove lab images of older services/ versions, and images built from scenarios' build folders, that no container uses",
    },
  },
  async run(values, scenarios) {
    await docker.preflight()
    const report = await clean({ images: values.images === true, scenarios })
    for (const line of describeClean(report)) say(line)
    return report.failed.length ? EXIT.failed : EXIT.passed
  },
})

export default command
