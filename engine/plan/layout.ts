// Where things live in the repository, named once.
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml')
export const SERVICES_DIR = path.join(ROOT, 'services')
/** SOCKET_LAB_SCENARIOS points the lab at another scenario folder (the tests use test/fixtures/scenarios). */
export const SCENARIOS_DIR = process.env.SOCKET_LAB_SCENARIOS ? path.resolve(process.env.SOCKET_LAB_SCENARIOS) : path.join(ROOT, 'scenarios')

/** Where the user ran `npm run lab` from: npm itself runs scripts in the package folder. */
export const USER_DIR = process.env.INIT_CWD ?? process.cwd()

/** A path the user typed, resolved against the folder they typed it in. */
export const userPath = (file: string) => path.resolve(USER_DIR, file)
