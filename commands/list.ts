// `lab list`: the catalog, one scenario a line.
import { loadCatalog } from '../engine/plan/catalog.ts'
import { EXIT } from '../engine/model/errors.ts'
import { catalogTable } from '../reporters/terminal.ts'
import type { Command } from './table.ts'

const command: Command = {
  name: 'list',
  synopsis: 'list',
  summary: 'list the scenarios',
  positionals: false,
  options: {},
  async run() {
    console.log(catalogTable(await loadCatalog()))
    return EXIT.passed
  },
}

export default command
