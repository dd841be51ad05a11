// The lab's code compiled to JavaScript for a checkout's `npm run lab`: running the TypeScript sources through a
// loader costs every command about a quarter of a second of start-up (tsx's hooks on each of some 150 modules, or
// Node's type stripping), before the lab even begins to come up (docs/BENCHMARKS.md). What `npm pack` ships is
// already compiled (dist/, by tsc); a checkout compiles what `tsconfig.build.json` includes, with esbuild, into
// node_modules/.cache/socket-lab/code/<digest>, again only when a source file changed, was added or removed.
//
// A compiled copy is never written in place: it is built beside, then renamed to its digest, so that labs started
// at once (a test suite, a class) never load half a copy, and whichever wins the rename is the one they all use.
import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs'
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)

/** What the lab's process runs, as tsconfig.build.json includes it (no tests, no fixtures, no bench). */
const SOURCE_DIRS = ['commands', 'engine', 'reporters', 'scenarios', 'ui']
const SOURCE_FILES = ['lab.ts', 'index.ts']
const SERVICE_SOURCES = 'services/bin'
const isSource = (name) => /\.ts$/.test(name) && !/\.(?:test|d)\.ts$/.test(name)
/** Bumped when this file compiles differently, so that older copies are not reused. */
const FORMAT = 2
/** Copies unused for this long are removed when a new one is built (a run that long is not still loading one). */
const STALE_MS = 24 * 60 * 60_000

/** Every source file of `root` with its size and modification time, sorted: enough to tell a changed checkout. */
export function sources(root) {
  const found = SOURCE_FILES.filter((file) => existsSync(path.join(root, file)))
  for (const dir of SOURCE_DIRS) {
    for (const entry of readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
      const file = path.relative(root, path.join(entry.parentPath, entry.name))
      if (entry.isFile() && isSource(entry.name) && !/^(engine\/judge\/fixtures|ui\/page)\//.test(file))
        found.push(file)
    }
  }
  for (const name of readdirSync(path.join(root, SERVICE_SOURCES)))
    if (isSource(name)) found.push(path.join(SERVICE_SOURCES, name))
  return found.sort().map((file) => {
    const { size, mtimeMs } = statSync(path.join(root, file))
    return { file, size, mtimeMs }
  })
}

/** The compiled copy's folder name: a digest of the sources' list, sizes and times, and of how they are compiled. */
export function digest(files, compiler) {
  const hash = createHash('sha256').update(`${FORMAT} ${compiler}\n`)
  for (const { file, size, mtimeMs } of files) hash.update(`${file} ${size} ${mtimeMs}\n`)
  return hash.digest('hex').slice(0, 16)
}

/** The compiled `lab.js` of the checkout at `root`, compiling it first when the sources changed since. */
export async function compiledLab(root) {
  const files = sources(root)
  const cache = path.join(root, 'node_modules', '.cache', 'socket-lab', 'code')
  // esbuild's version from its package.json: importing esbuild itself costs about 15 ms, only worth it to compile.
  const target = path.join(
    cache,
    digest(files, JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')).version),
  )
  const entry = path.join(target, 'lab.js')
  if (existsSync(entry)) {
    const now = new Date()
    utimesSync(target, now, now) // in use: not stale
    return entry
  }
  await mkdir(cache, { recursive: true })
  const esbuild = await import('esbuild')
  const building = `${target}.${process.pid}.building`
  await esbuild
    .build({
      absWorkingDir: root,
      entryPoints: files.map(({ file }) => file),
      outdir: building,
      outbase: '.',
      // One output file per source file, as tsc writes them: each import of another source file stays an import,
      // of its .js; packages are imported from node_modules as they are.
      bundle: true,
      packages: 'external',
      plugins: [
        {
          name: 'one-file-each',
          setup(build) {
            build.onResolve({ filter: /^\.\.?\// }, (args) =>
              args.kind === 'entry-point' ? undefined : { path: args.path.replace(/\.ts$/, '.js'), external: true },
            )
          },
        },
      ],
      format: 'esm',
      platform: 'node',
      target: 'node22',
      // A crash names the source file and line (commands/crash.ts reads the map then; Node's own support costs every run).
      sourcemap: 'linked',
      logLevel: 'silent',
    })
    .catch(async (error) => {
      await rm(building, { recursive: true, force: true })
      throw error
    })
  try {
    await rename(building, target)
  } catch (error) {
    // Another lab compiled the same sources first: theirs is the same code.
    await rm(building, { recursive: true, force: true })
    if (!existsSync(entry)) throw error
  }
  await removeStale(cache, target)
  return entry
}

async function removeStale(cache, keep) {
  const now = Date.now()
  for (const name of await readdir(cache)) {
    const dir = path.join(cache, name)
    if (dir === keep) continue
    const { mtimeMs } = await stat(dir).catch(() => ({ mtimeMs: now }))
    if (now - mtimeMs > STALE_MS) await rm(dir, { recursive: true, force: true })
  }
}
