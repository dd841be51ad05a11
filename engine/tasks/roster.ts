// Which files are whose, for `lab grade`: one glob per host, and every student is what the globs' wildcards
// matched. `turma/*/servidor.py` and `turma/*/cliente.py` pair ana's server with ana's client by folder;
// `entregas/*_servidor.py` and `entregas/*_cliente.py` pair them by name in one flat folder. A student whose
// file for a host is missing, a link or a FIFO still gets a row, saying so: never another's file, never the
// reference program in its place (that would be free points), never silence.
import type { Dirent } from 'node:fs'
import { lstat, readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import picomatch from 'picomatch'
import { errors } from '../model/errors.ts'
import { USER_DIR } from '../plan/layout.ts'

export interface StudentSubmission {
  /** What the globs' wildcards matched (`ana`), or the folder's name when a glob has none. */
  student: string
  /** Files by host. */
  files: Record<string, string>
  /** Why this student cannot be graded: their row is an error that says it. */
  refused?: string
}

/** One entry a host's glob matched: a file (or folder) to grade, or one the lab will not open. */
interface Match {
  file: string
  key: string
  refused?: string
}

/** What a non-regular entry is, for its row. */
function refusal(entry: Dirent): string | undefined {
  if (entry.isSymbolicLink()) return 'is a symbolic link (the lab follows none: commit the file itself)'
  if (entry.isFIFO()) return 'is a FIFO'
  if (entry.isSocket()) return 'is a socket'
  if (entry.isBlockDevice() || entry.isCharacterDevice()) return 'is a device'
  return undefined
}

/** The folders the pattern's last segment is looked for in: the pattern's own folder part, globbed. */
async function parentFolders(pattern: string, cwd: string): Promise<string[]> {
  const parent = path.posix.dirname(pattern)
  const { glob, isDynamicPattern } = await import('tinyglobby')
  if (!isDynamicPattern(parent)) {
    const folder = path.resolve(cwd, parent)
    return (await lstat(folder).catch(() => undefined))?.isDirectory() ? [folder] : []
  }
  return (await glob(`${parent}/`, { cwd, absolute: true, onlyDirectories: true, followSymbolicLinks: false })).map(
    (f) => f.replace(/\/+$/, ''),
  )
}

/** Everything one host's glob matches, links and FIFOs included (as refusals), each with its student key. */
async function matchesOf(glob: string, cwd: string): Promise<{ matches: Match[]; wildcards: number }> {
  const folders = glob.endsWith('/')
  const pattern = glob.replace(/\/+$/, '')
  const absolute = path.isAbsolute(pattern)
  const matcher = picomatch.makeRe(pattern, { capture: true })
  const wildcards = new RegExp(`${matcher.source}|`).exec('')!.length - 1
  const matches: Match[] = []
  for (const parent of await parentFolders(pattern, cwd)) {
    const entries = await readdir(parent, { withFileTypes: true }).catch(() => [] as Dirent[])
    for (const entry of entries) {
      const file = path.join(parent, entry.name)
      const captured = matcher.exec(absolute ? file : path.relative(cwd, file))
      if (!captured) continue
      const key = captured
        .slice(1)
        .filter((part) => part !== undefined)
        .join('/')
      if (folders ? entry.isDirectory() : entry.isFile()) matches.push({ file, key })
      else if (folders && entry.isSymbolicLink() && (await stat(file).catch(() => undefined))?.isDirectory())
        matches.push({ file, key, refused: 'is a symbolic link to a folder (the lab follows none)' })
      else if (!folders && refusal(entry)) matches.push({ file, key, refused: refusal(entry) })
    }
  }
  return { matches: matches.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)), wildcards }
}

/**
 * Expands one glob per host into students. A glob that ends with / matches folders: each is one student's
 * submission, whose entry point engine/plan/submission.ts finds (its only program, or main.*). Globs that
 * cannot tell students apart (different wildcards, or two files of one host for the same student) are refused.
 */
export async function findSubmissions(globs: Record<string, string>, cwd = USER_DIR): Promise<StudentSubmission[]> {
  const hosts = Object.keys(globs)
  if (hosts.length === 0)
    throw errors.usage(
      "grade needs the students' files: --server 'entregas/*/servidor.py' (or --client, --host name=glob)",
    )
  const found = Object.fromEntries(
    await Promise.all(hosts.map(async (host) => [host, await matchesOf(globs[host], cwd)] as const)),
  )
  const option = (host: string) =>
    host === 'server' || host === 'client' ? `--${host} '${globs[host]}'` : `--host ${host}='${globs[host]}'`
  if (hosts.every((host) => found[host].matches.length === 0)) {
    const [first] = hosts
    throw errors.usage(
      `no ${globs[first].endsWith('/') ? 'folder' : 'file'} matches ${globs[first]} (symbolic links are not followed)`,
    )
  }
  const counts = new Set(hosts.map((host) => found[host].wildcards))
  if (hosts.length > 1 && counts.size > 1) {
    throw errors.usage(
      `cannot pair the students' files: ${hosts.map((host) => `${option(host)} has ${found[host].wildcards} wildcard${found[host].wildcards === 1 ? '' : 's'}`).join(', ')}; give each host's glob the same wildcards for the student (turma/*/servidor.py and turma/*/cliente.py)`,
    )
  }
  const byKey = new Map<string, Record<string, Match>>()
  for (const host of hosts) {
    for (const match of found[host].matches) {
      const mine = byKey.get(match.key) ?? {}
      if (mine[host])
        throw errors.usage(
          `cannot pair the students' files: ${mine[host].file} and ${match.file} both match ${option(host)} for the same student "${match.key}"`,
        )
      byKey.set(match.key, { ...mine, [host]: match })
    }
  }
  return [...byKey.keys()].sort().map((key) => {
    const matches = byKey.get(key)!
    const files = Object.fromEntries(Object.entries(matches).map(([host, match]) => [host, match.file]))
    const any = Object.values(matches)[0].file
    const student = key || path.basename(globs[hosts[0]].endsWith('/') ? any : path.dirname(any))
    const refused = Object.values(matches).find((match) => match.refused)
    const missing = hosts.filter((host) => !matches[host])
    return {
      student,
      files,
      ...(refused
        ? { refused: `${refused.file} ${refused.refused}` }
        : missing.length
          ? {
              refused: `no ${missing.join(' or ')} file: ${missing.map((host) => option(host)).join(' and ')} matched none of ${student}'s`,
            }
          : {}),
    }
  })
}
