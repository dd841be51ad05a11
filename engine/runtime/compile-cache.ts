// Imported first by lab.ts: Node keeps compiled code of the lab's dependencies (dockerode, zx) on disk, which
// saves about a fifth of a second on every command. A no-op where the cache cannot be written.
import module from 'node:module'

module.enableCompileCache?.()
