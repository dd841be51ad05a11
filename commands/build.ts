// `lab build`: (re)builds the lab image.
import * as docker from '../engine/runtime/docker.ts'
import { EXIT } from '../engine/model/errors.ts'
import { ensureLabImage } from '../engine/runtime/image.ts'
import { say } from './shared.ts'
import { defineCommand } from './table.ts'

const command = defineCommand({
  name: 'build',
  synopsis: 'build [--offline]',
  summary: '(re)build the lab image',
  positionals: false,
  options: {
    offline: { type: 'boolean', help: 'do not use the registry: build the base image locally (needs mmdebstrap)' },
  },
  async run(values) {
    await ensureLabImage(say, { force: true, offline: values.offline === true }, docker.preflight())
    say('lab image ready')
    return EXIT.passed
  },
})

export default command
