// `grade --engines a,b,...`: the class spread over several Docker engines. One child `lab grade` per engine,
// with DOCKER_HOST set to that engine and the indices of its share of the students; each runs up to its own
// --parallel and writes its rows to a file of its own, which the parent merges in the students' order. The
// runtime needs no change: it already talks to whichever engine DOCKER_HOST names (dockerode and the compose CLI).
// This file is the pure part (which engines, who grades whom); engine/runtime/engines.ts starts the children.
import { errors, positiveInteger } from '../model/errors.ts'

export interface Engine {
  /** As given: a docker context name or a DOCKER_HOST URL (unix://, tcp://, ssh://). */
  label: string
  dockerHost: string
  parallel: number
}

const URL = /^(unix|tcp|ssh|npipe):\/\//

/** `ctx1,unix:///run/b.sock=4`: each engine with an optional `=N`, its own number of labs at once. */
export async function parseEngines(option: string, defaultParallel: number, contextHost: (context: string) => Promise<string>): Promise<Engine[]> {
  const specs = option.split(',').map((s) => s.trim()).filter(Boolean)
  if (specs.length === 0) throw errors.usage('--engines takes a list: --engines ctx1,ctx2 or --engines unix:///var/run/docker.sock,tcp://lab2:2376=4')
  return Promise.all(specs.map(async (spec) => {
    const match = spec.match(/^(.*?)(?:=(\d+))?$/)!
    const label = match[1]
    const parallel = match[2] === undefined ? defaultParallel : positiveInteger('engines … =N', match[2])
    if (!URL.test(label) && !/^[\w.-]+$/.test(label)) throw errors.usage(`--engines: "${label}" is neither a docker context name nor a DOCKER_HOST URL (unix://, tcp://, ssh://)`)
    return { label, parallel, dockerHost: URL.test(label) ? label : await contextHost(label) }
  }))
}

/** Which students each engine grades: in turn, each to the engine with the least work per lab slot. */
export function shareOut(students: number, engines: Pick<Engine, 'parallel'>[]): number[][] {
  const shares: number[][] = engines.map(() => [])
  for (let i = 0; i < students; i++) {
    const engine = shares.reduce((best, share, e) => (share.length / engines[e].parallel < shares[best].length / engines[best].parallel ? e : best), 0)
    shares[engine].push(i)
  }
  return shares
}
