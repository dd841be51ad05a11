#!/usr/bin/env node
// The `socket-lab` command of an installed package. The engine ships compiled (dist/, built by `npm pack`), so
// it runs on the consumer's own Node; tsx is registered first for the scenario files a project writes in
// TypeScript (Node 22.12 to 22.17 does not strip types by default, and no Node strips enums or namespaces).
// From a checkout without dist/, the sources run through the same loader.
import { existsSync } from 'node:fs'
import { register } from 'tsx/esm/api'

register()
const compiled = new URL('../dist/lab.js', import.meta.url)
await import(existsSync(compiled) ? compiled.href : new URL('../lab.ts', import.meta.url).href)
