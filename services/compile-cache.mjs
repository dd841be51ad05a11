// Run once while the image is built: compiles every TypeScript file of the image into Node's compile cache
// (type stripping included), so each program and sidecar starts in about half the time, and the CPU a class
// of labs spends on starting Node halves too. A resolve hook refuses each file's own imports: the file is
// compiled, not run (a file that imports nothing runs; the image has two, both harmless).
import module from 'node:module'
import { pathToFileURL } from 'node:url'

if (!module.registerHooks || !module.getCompileCacheDir?.()) process.exit(0) // an older Node: no cache, same programs
const entries = new Set(process.argv.slice(2).map((file) => pathToFileURL(file).href))
const NOT_RUN = 'compiled, not run'
module.registerHooks({
  resolve(specifier, context, next) {
    if (context.parentURL && entries.has(context.parentURL)) throw new Error(NOT_RUN)
    return next(specifier, context)
  },
})
for (const url of entries) {
  await import(url).catch((error) => {
    if (error.message !== NOT_RUN) throw error
  })
}
module.flushCompileCache()
process.exit(0)
