// `lab down [<lab>...]`: removes live labs, the named ones or all of them, and forgets them.
import { EXIT, errors } from '../engine/model/errors.ts'
import { listLiveLabs } from '../engine/plan/live-lab.ts'
import * as docker from '../engine/runtime/docker.ts'
import { downLiveLab } from '../engine/runtime/live.ts'
import { say } from './shared.ts'
import { defineCommand } from './table.ts'

const command = defineCommand({
  name: 'down',
  synopsis: 'down [<lab>...]',
  summary: 'remove live labs (all of them without a name)',
  positionals: true,
  options: {},
  async run(_values, names) {
    const labs = await listLiveLabs()
    for (const name of names)
      if (!labs.some((lab) => lab.name === name))
        throw errors.noLiveLab(
          name,
          labs.map((lab) => lab.name),
        )
    const chosen = names.length ? labs.filter((lab) => names.includes(lab.name)) : labs
    if (!chosen.length) {
      say('no live lab to remove')
      return EXIT.passed
    }
    await docker.preflight()
    let failed = false
    for (const lab of chosen) {
      const left = await downLiveLab(lab)
      failed ||= left.length > 0
      say(left.length ? left.join('; ') : `removed lab ${lab.name}`)
    }
    return failed ? EXIT.failed : EXIT.passed
  },
})

export default command
