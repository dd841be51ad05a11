// Where things live, named once. The lab runs from this repository (TypeScript sources, or their compiled copy in
// node_modules/.cache/socket-lab/code: bin/compile.mjs) and from an installed package (compiled to dist/): ROOT is
// the package folder every way, the nearest one up holding package.json, services/ and docker-compose.yml;
// CODE_ROOT holds the code that runs. Nothing here is the user's current folder: their paths resolve against USER_DIR.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const CODE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const ROOT = packageRoot(CODE_ROOT)
export const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml')
export const SERVICES_DIR = path.join(ROOT, 'services')
/** SOCKET_LAB_SCENARIOS points the lab at another scenario folder (the tests use test/fixtures/scenarios). */
export const SCENARIOS_DIR = process.env.SOCKET_LAB_SCENARIOS
  ? path.resolve(process.env.SOCKET_LAB_SCENARIOS)
  : path.join(CODE_ROOT, 'scenarios')
/** Where the catalog's scenario files are written: in a checkout its sources, whichever copy of them runs
 * (`--watch` reruns when one is saved, and reads it from there). */
export const SCENARIO_SOURCES_DIR =
  !process.env.SOCKET_LAB_SCENARIOS && existsSync(path.join(ROOT, 'scenarios'))
    ? path.join(ROOT, 'scenarios')
    : SCENARIOS_DIR

/** Where the user ran `npm run lab` from: npm itself runs scripts in the package folder. */
export const USER_DIR = process.env.INIT_CWD ?? process.cwd()

/** A path the user typed, resolved against the folder they typed it in. */
export const userPath = (file: string) => path.resolve(USER_DIR, file)

/** Caches (how long each scenario took) live with the user's project, as other tools' do (node_modules/.cache),
 * never inside the installed package, which may be read-only. SOCKET_LAB_CACHE chooses another folder. */
export const CACHE_DIR = process.env.SOCKET_LAB_CACHE
  ? path.resolve(process.env.SOCKET_LAB_CACHE)
  : path.join(USER_DIR, 'node_modules', '.cache', 'socket-lab')

/** The nearest folder from `dir` up that holds package.json (`dir` itself in the repository). */
function packageRoot(dir: string): string {
  for (let at = dir; ; at = path.dirname(at)) {
    if (existsSync(path.join(at, 'package.json'))) return at
    if (path.dirname(at) === at) return path.dirname(dir)
  }
}
