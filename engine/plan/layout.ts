// Where things live, named once. The lab runs from this repository (TypeScript sources) and from an installed
// package (compiled to dist/): ROOT is the package folder either way, the one holding package.json, services/
// and docker-compose.yml; CODE_ROOT holds the code that runs (the repository, or dist/). Nothing here is the
// user's current folder: their paths resolve against USER_DIR.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const CODE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const ROOT = existsSync(path.join(CODE_ROOT, 'package.json')) ? CODE_ROOT : path.dirname(CODE_ROOT)
export const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml')
export const SERVICES_DIR = path.join(ROOT, 'services')
/** SOCKET_LAB_SCENARIOS points the lab at another scenario folder (the tests use test/fixtures/scenarios). */
export const SCENARIOS_DIR = process.env.SOCKET_LAB_SCENARIOS ? path.resolve(process.env.SOCKET_LAB_SCENARIOS) : path.join(CODE_ROOT, 'scenarios')

/** Where the user ran `npm run lab` from: npm itself runs scripts in the package folder. */
export const USER_DIR = process.env.INIT_CWD ?? process.cwd()

/** A path the user typed, resolved against the folder they typed it in. */
export const userPath = (file: string) => path.resolve(USER_DIR, file)

/** Caches (how long each scenario took) live with the user's project, as other tools' do (node_modules/.cache),
 * never inside the installed package, which may be read-only. SOCKET_LAB_CACHE chooses another folder. */
export const CACHE_DIR = process.env.SOCKET_LAB_CACHE ? path.resolve(process.env.SOCKET_LAB_CACHE) : path.join(USER_DIR, 'node_modules', '.cache', 'socket-lab')
