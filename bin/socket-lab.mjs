#!/usr/bin/env node
// The `socket-lab` command, and `npm run lab` in a checkout. It runs the lab as JavaScript: the installed package's
// dist/ (compiled by tsc when packed), or a checkout's sources compiled when they changed (bin/compile.mjs). No
// TypeScript loader starts unless a scenario file written in TypeScript is loaded (engine/plan/catalog.ts).
// Where the checkout cannot be compiled (esbuild missing), its sources run through tsx, as `node --import tsx lab.ts`.
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { nodeSupported, OLDEST_NODE } from './node-version.mjs'

// An older Node than the lab needs is said in one line, before anything starts.
if (!nodeSupported(process.versions.node)) {
  process.stderr.write(
    `socket-lab: needs Node.js ${OLDEST_NODE} or later; this is ${process.version} (${process.execPath})\n`,
  )
  process.exit(2)
}

const root = fileURLToPath(new URL('..', import.meta.url))
const checkout = existsSync(new URL('../lab.ts', import.meta.url))

async function entry() {
  if (!checkout) return new URL('../dist/lab.js', import.meta.url).href
  try {
    const { compiledLab } = await import('./compile.mjs')
    return pathToFileURL(await compiledLab(root)).href
  } catch {
    await globalThis[Symbol.for('socket-lab.typescript')]()
    return new URL('../lab.ts', import.meta.url).href
  }
}

// What engine/plan/catalog.ts calls before it loads a scenario file written in TypeScript: tsx, started once.
let typeScript
globalThis[Symbol.for('socket-lab.typescript')] = () =>
  (typeScript ??= import('tsx/esm/api').then(({ register }) => void register()))

await import(await entry())
