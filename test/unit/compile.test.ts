// bin/compile.mjs: what `npm run lab` runs in a checkout, the sources compiled once per change.
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import ts from 'typescript'
import { afterEach, expect, it } from 'vitest'
// @ts-expect-error: plain JavaScript, run before any TypeScript loader
import { compiledLab, sources } from '../../bin/compile.mjs'
import { ROOT } from '../../engine/plan/layout.ts'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

it('compiles what tsconfig.build.json ships, and nothing else', () => {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, 'tsconfig.build.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  )!
  const shipped = config.fileNames
    .filter((file) => !file.endsWith('.d.ts'))
    .map((file) => path.relative(ROOT, file))
    .sort()
  const compiled = (sources(ROOT) as { file: string }[]).map(({ file }) => file)
  expect(compiled).toEqual(shipped)
  expect(compiled).toContain('scenarios/tcp-basic.ts')
  expect(compiled).toContain('services/bin/protocol.ts')
})

/** A checkout of three files: lab.ts imports engine/a.ts, which holds a type. */
async function checkout(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-compile-'))
  dirs.push(root)
  for (const dir of ['commands', 'engine', 'reporters', 'scenarios', 'services/bin', 'ui'])
    await mkdir(path.join(root, dir), { recursive: true })
  await writeFile(path.join(root, 'package.json'), '{"type":"module"}')
  await writeFile(
    path.join(root, 'lab.ts'),
    "import { answer } from './engine/a.ts'\nimport type { Answer } from './engine/a.ts'\nexport const doubled: Answer = answer * 2\n",
  )
  await writeFile(path.join(root, 'engine/a.ts'), 'export type Answer = number\nexport const answer: Answer = 21\n')
  return root
}

it('compiles a checkout once, for labs started at once, and again when a source changes', async () => {
  const root = await checkout()
  const [first, second] = await Promise.all([compiledLab(root), compiledLab(root)])
  expect(second).toBe(first)
  expect(first.startsWith(path.join(root, 'node_modules/.cache/socket-lab/code/'))).toBe(true)
  expect(await readFile(path.join(path.dirname(first), 'lab.js'), 'utf8')).toContain('./engine/a.js')
  expect((await import(pathToFileURL(first).href)).doubled).toBe(42)
  expect(await compiledLab(root)).toBe(first)

  await writeFile(path.join(root, 'engine/a.ts'), 'export type Answer = number\nexport const answer: Answer = 50\n')
  await utimes(path.join(root, 'engine/a.ts'), new Date(), new Date(Date.now() + 5000))
  const changed = await compiledLab(root)
  expect(changed).not.toBe(first)
  expect((await import(pathToFileURL(changed).href)).doubled).toBe(100)
})

it('fails, leaving no half-built copy, on a source that does not compile', async () => {
  const root = await checkout()
  await writeFile(path.join(root, 'engine/a.ts'), 'export const answer = (\n')
  await expect(compiledLab(root)).rejects.toThrow()
  const { readdir } = await import('node:fs/promises')
  expect(await readdir(path.join(root, 'node_modules/.cache/socket-lab/code'))).toEqual([])
})

it("names a crash's source file and line from the compiled copy's map, and leaves other frames as they are", async () => {
  const { inSources } = await import('../../commands/crash.ts')
  const root = await checkout()
  await writeFile(
    path.join(root, 'engine/a.ts'),
    'export type Answer = number\n\nexport const answer: Answer = 21\nexport function fail(): never {\n  throw new Error("here")\n}\n',
  )
  const lab = await compiledLab(root)
  const compiled = pathToFileURL(path.join(path.dirname(lab), 'engine/a.js')).href
  // The frame Node prints without source maps (vitest turns them on for its own process, so it is written here).
  const lines = (await readFile(fileURLToPath(compiled), 'utf8')).split('\n')
  const line = lines.findIndex((text) => text.includes('throw new Error'))
  const frame = `at fail (${compiled}:${line + 1}:${lines[line].indexOf('throw') + 1})`
  expect(inSources(frame)).toBe(`at fail (${path.join(root, 'engine/a.ts')}:5:3)`)
  expect(inSources('at main (file:///nowhere/lab.js:3:4)')).toBe('at main (file:///nowhere/lab.js:3:4)')
  expect(inSources('at node:internal/x:1:2')).toBe('at node:internal/x:1:2')
})
