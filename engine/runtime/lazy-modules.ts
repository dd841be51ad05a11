// dockerode and docker-modem load, at their start, modules that a lab run never touches: gRPC and protobuf for
// BuildKit sessions, ssh2 for ssh:// engines, tar-fs for build contexts sent through the API. Loading them is
// about a fifth of a run's CPU time (--cpu-prof of `lab tcp-basic`: grpc-js, proto-loader, protobufjs and ssh2,
// about 0.2 s of 0.8 s). Each gets a stand-in in require's cache, where those packages will look for it, that
// loads the real module the first time anything of it is used: an ssh:// engine or a BuildKit session works as
// before, only later. (A module hook cannot do it here: tsx reads CommonJS files itself.)
import Module, { createRequire } from 'node:module'

/** The deferred modules, by the package that requires them, with the members read as they are required (those
 * are functions, wrapped so that calling or constructing one loads the module). */
const DEFERRED: { from: string; specifier: string; members: string[] }[] = [
  { from: 'dockerode', specifier: '@grpc/grpc-js', members: [] },
  { from: 'dockerode', specifier: '@grpc/proto-loader', members: [] },
  { from: 'dockerode', specifier: 'tar-fs', members: [] },
  { from: 'docker-modem', specifier: 'ssh2', members: ['Client'] },
]

const requireHere = createRequire(import.meta.url)

function standIn(file: string, members: string[]): Module {
  let real: Record<string | symbol, unknown> | undefined
  const load = () => {
    if (real) return real
    delete requireHere.cache[file]
    return (real = requireHere(file) as Record<string | symbol, unknown>)
  }
  const member = (name: string) =>
    new Proxy(function deferred() {}, {
      construct: (_, args) => Reflect.construct(load()[name] as new (...a: unknown[]) => object, args),
      apply: (_, self, args) => Reflect.apply(load()[name] as (...a: unknown[]) => unknown, self, args),
      get: (_, key) => (load()[name] as Record<string | symbol, unknown>)[key],
    })
  const early = new Map(members.map((name) => [name, member(name)]))
  const module = new Module(file)
  module.filename = file
  module.loaded = true
  module.exports = new Proxy(
    {},
    {
      get: (_, key) => (typeof key === 'string' && early.has(key) ? early.get(key) : load()[key]),
      has: (_, key) => key in load(),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Object.getOwnPropertyDescriptor(load(), key)
        return descriptor && { ...descriptor, configurable: true }
      },
    },
  )
  return module
}

let done = false

/** Puts the stand-ins in place, once, before dockerode is loaded; a module already loaded is left as it is. */
export function deferUnusedModules(): void {
  if (done) return
  done = true
  const dockerode = requireHere.resolve('dockerode')
  const requirers: Record<string, NodeJS.Require> = { dockerode: createRequire(dockerode) }
  requirers['docker-modem'] = createRequire(requirers.dockerode.resolve('docker-modem'))
  for (const { from, specifier, members } of DEFERRED) {
    let file: string
    try {
      file = requirers[from].resolve(specifier)
    } catch {
      continue
    } // not installed: nothing to defer
    if (!requireHere.cache[file]) requireHere.cache[file] = standIn(file, members)
  }
}
