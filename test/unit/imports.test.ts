// The import rules of the rooms (docs/ARCHITECTURE.md), read from the sources with TypeScript's own import
// scanner: no import circles, no arrow back up the rooms, and one room that talks to Docker or starts processes.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { expect, it } from 'vitest'
import { ROOT } from '../../engine/plan/layout.ts'

/** The code the lab ships; tests and benches may import anything. */
const SHIPPED = ['engine', 'reporters', 'commands', 'lab.ts', 'services/bin', 'scenarios', 'ui']
/** The only room that may talk to Docker, run a command, or use zx's `$`. */
const DOCKER_ROOM = 'engine/runtime/'
/** services/bin runs inside the lab's containers (the network sidecar, the program's limits): it runs nft, ip,
 * tc and tcpdump there through node:child_process, but never Docker, nor zx. */
const IN_CONTAINER = 'services/bin/'
const DOCKER_MODULES = ['dockerode', 'zx', 'zx/core', 'testcontainers']
const PROCESS_MODULES = ['node:child_process', 'child_process']
/** The docker CLI started by hand: zx's $`docker …`, spawn('docker', …), execFile('docker', …). */
const DOCKER_CLI = /\$`\s*docker\b|\b(?:spawn|spawnSync|execFile|execFileSync|exec|execSync)\(\s*['"`]docker\b/

/** The protocol between the engine and the containers: the one file of services/bin/ the engine may read. */
const PROTOCOL = 'services/bin/protocol.ts'
/** What each room may import besides itself; the engine's rooms in order, each may import those to its left.
 * A file's room is the longest prefix of its path that names one. */
const ENGINE = ['engine/model/', 'engine/judge/', 'engine/plan/', 'engine/runtime/', 'engine/tasks/']
const MAY_IMPORT: Record<string, string[]> = {
  ...Object.fromEntries(ENGINE.map((room, i) => [room, [...ENGINE.slice(0, i), ...(i > 0 ? [PROTOCOL] : [])]])),
  'reporters/': ['engine/model/', 'engine/judge/'],
  'commands/': [...ENGINE, 'reporters/', 'ui/', PROTOCOL],
  /** `lab ui`'s server and session run labs and serialize their events as the events reporter does. */
  'ui/': [...ENGINE, 'reporters/'],
  /** The page runs in a browser: it imports nothing of the lab's (its events come over the wire). */
  'ui/page/': [],
  'scenarios/': ['engine/model/', 'engine/judge/'],
  'services/bin/': [],
  'lab.ts': ['commands/', ...ENGINE, 'reporters/'],
}
const roomOf = (file: string) =>
  Object.keys(MAY_IMPORT)
    .filter((room) => file.startsWith(room))
    .sort((a, b) => b.length - a.length)[0]

function sources(entry: string): string[] {
  const full = path.join(ROOT, entry)
  let info
  try {
    info = statSync(full)
  } catch {
    return []
  } // an entry this checkout lacks has nothing to check
  if (info.isFile()) return [entry]
  return readdirSync(full)
    .flatMap((name) => sources(path.join(entry, name)))
    .filter((file) => /\.(ts|mjs)$/.test(file) && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
}

const files = SHIPPED.flatMap(sources)
const resolve = (file: string, name: string) => (name.startsWith('.') ? path.join(path.dirname(file), name) : name)
/** Every import of a file (static, dynamic, and `import type`: a type circle still ties two modules together),
 * relative ones resolved to repository paths. */
const importsOf = new Map(
  files.map((file) => {
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(ROOT, file), 'utf8'), true, true)
    return [file, importedFiles.map(({ fileName }) => resolve(file, fileName))]
  }),
)

/** Import circles among the shipped files: each strongly connected group, as one circle through it (Tarjan). */
function circles(): string[][] {
  const index = new Map<string, number>(),
    low = new Map<string, number>(),
    stack: string[] = [],
    found: string[][] = []
  const visit = (file: string) => {
    index.set(file, index.size)
    low.set(file, index.get(file)!)
    stack.push(file)
    for (const next of importsOf.get(file) ?? []) {
      if (!importsOf.has(next)) continue
      if (!index.has(next)) {
        visit(next)
        low.set(file, Math.min(low.get(file)!, low.get(next)!))
      } else if (stack.includes(next)) low.set(file, Math.min(low.get(file)!, index.get(next)!))
    }
    if (low.get(file) === index.get(file)) {
      const group = stack.splice(stack.indexOf(file))
      if (group.length > 1 || importsOf.get(file)!.includes(file)) found.push(group.sort())
    }
  }
  for (const file of files) if (!index.has(file)) visit(file)
  return found
}

it('has no import circle among engine/, reporters/, commands/, lab.ts, services/bin/ and scenarios/', () => {
  expect(files.length).toBeGreaterThan(40)
  expect(circles().map((group) => group.join(' ↔ '))).toEqual([])
})

it('has no arrow back up the rooms: each room imports only itself and the rooms to its left', () => {
  expect(files.every((file) => roomOf(file) !== undefined)).toBe(true)
  const backwards = files.flatMap((file) => {
    const room = roomOf(file)
    return importsOf
      .get(file)!
      .filter((name) => importsOf.has(name) && roomOf(name) !== room)
      .filter((name) => !MAY_IMPORT[room].some((allowed) => name.startsWith(allowed)))
      .map((name) => `${file} → ${name}`)
  })
  expect(backwards).toEqual([])
})

it('talks to Docker and starts processes only from engine/runtime/ (services/bin/ may run commands in its container)', () => {
  const misplaced = files
    .filter((file) => !file.startsWith(DOCKER_ROOM))
    .flatMap((file) => {
      const allowed = file.startsWith(IN_CONTAINER) ? PROCESS_MODULES : []
      const bad = importsOf
        .get(file)!
        .filter((name) => (DOCKER_MODULES.includes(name) || PROCESS_MODULES.includes(name)) && !allowed.includes(name))
      if (DOCKER_CLI.test(readFileSync(path.join(ROOT, file), 'utf8'))) bad.push('the docker CLI')
      return bad.map((name) => `${file} uses ${name}`)
    })
  expect(misplaced).toEqual([])
})

it('casts no value through unknown in commands/, engine/ and reporters/: option tables and types say what a value is', () => {
  const casts = files.filter(
    (file) =>
      /^(commands|engine|reporters|ui)\//.test(file) &&
      readFileSync(path.join(ROOT, file), 'utf8').includes('as unknown as'),
  )
  expect(casts).toEqual([])
})
