// Where things live in the repository, named once.
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml')
export const SERVICES_DIR = path.join(ROOT, 'services')
export const SCENARIOS_DIR = path.join(ROOT, 'scenarios')
