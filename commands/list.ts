// `lab list`: the catalog, one scenario a line.
import { loadCatalog } from '../engine/plan/catalog.ts'
import { EXIT } from '../engine/model/errors.ts'
import { catalogTable } from '../reporters/terminal.ts'
import { defineCommand } from './table.ts'
import { SCENARIOS } from './shared.ts'
import { userPath } from '../engine/plan/layout.ts'

const command = defineCommand({
  name: 'list',
  synopsis: 'list',
  summary: 'list the scenarios',
  positionals: false,
  options: { scenarios: SCENARIOS },
  async run(values) {
    console.log(
      catalogTable(await loadCatalog(values.scenarios === undefined ? undefined : userPath(values.scenarios))),
    )
    return EXIT.passed
  },
})

export default command
