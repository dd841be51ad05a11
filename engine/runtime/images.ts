// Lab images: whether one exists, building, importing, listing and removing tags.
import { errors, lastLine } from '../model/errors.ts'
import net from 'node:net'
import { api, daemonSocket, sh } from './daemon.ts'

/** Asks the Engine with one plain request on its socket, or the CLI where it is reached otherwise: before a run,
 * either spares loading the API client (dockerode) ahead of `up`, and the request spares the CLI's start (60 ms). */
export async function imageExists(image: string): Promise<boolean> {
  const cli = async () => (await sh({ nothrow: true })`docker image inspect --format {{.Id}} ${image}`).ok
  const socket = await daemonSocket()
  if (!socket) return cli()
  // No daemon there, or no permission: the CLI answers as before, and the preflight says why in its words.
  return engineStatus(socket, `/images/${encodeURIComponent(image)}/json`).then((status) => status === 200, cli)
}

/** The status code of one GET on the Engine's Unix socket. Through node:net, which the lab has loaded already:
 * node:http takes 40–50 ms to load, and its only user (dockerode) loads while `compose up` works. */
function engineStatus(socket: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const connection = net.connect(socket, () => connection.write(`GET ${path} HTTP/1.0\r\nHost: docker\r\n\r\n`))
    let head = ''
    connection.setEncoding('latin1')
    connection.setTimeout(10_000, () => connection.destroy(new Error('the Engine did not answer')))
    connection.on('data', (chunk: string) => {
      head += chunk
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)
      if (status || head.length > 64) {
        connection.destroy()
        status ? resolve(Number(status[1])) : reject(new Error('not an HTTP answer'))
      }
    })
    connection.on('error', reject)
    connection.on('close', () => reject(new Error('the Engine closed the connection')))
  })
}

export async function pullImage(image: string): Promise<boolean> {
  return (await sh({ nothrow: true, timeout: 600_000 })`docker pull -q ${image}`).ok
}

export async function buildImage(
  context: string,
  tags: string[],
  buildArgs: Record<string, string>,
  labels: Record<string, string>,
  timeoutMs: number,
  network?: 'none',
  dockerfile?: string,
): Promise<void> {
  const args = [
    ...(dockerfile ? ['--file', dockerfile] : []),
    ...(network ? ['--network', network] : []),
    ...Object.entries(buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
    ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
  ]
  // --force-rm: a failed step must not leave its container behind.
  const result = await sh({
    nothrow: true,
    timeout: timeoutMs,
  })`docker build -q --force-rm ${args} ${tags.flatMap((tag) => ['-t', tag])} ${context}`
  if (result.ok) return
  if (result.signal)
    throw errors.imageBuildFailed('docker build', `it did not finish within ${Math.round(timeoutMs / 1000)} s`)
  const failed = failedBuildStep(result.stderr)
  throw errors.imageBuildFailed(failed.step, failed.detail)
}

/** The step a `docker build` failed at, and its last words, from the build log (which `-q` still prints on
 * failure): "Step 3/4 : RUN apt-get install …", "E: Unable to locate package … (exit code 100)". */
export function failedBuildStep(log: string): { step: string; detail: string } {
  // eslint-disable-next-line no-control-regex
  const lines = log
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
  const stepAt = lines.findLastIndex((line) => /^Step \d+\/\d+ : /.test(line))
  if (stepAt < 0) return { step: 'docker build', detail: lastLine(log) }
  const step = lines[stepAt]
  const verdict = lines.at(-1)!
  const exit = verdict.match(/returned a non-zero code: (\d+)$/)
  const said = lines
    .slice(stepAt + 1, -1)
    .filter((line) => !line.startsWith('---> ') && !line.startsWith('Removing intermediate'))
  if (!exit) return { step, detail: verdict }
  return { step, detail: said.length ? `${said.at(-1)} (exit code ${exit[1]})` : `exit code ${exit[1]}` }
}

/** Every tag of an image repository, e.g. socket-lab-host:latest and socket-lab-host:<digest>. */
export async function imageTags(repository: string): Promise<string[]> {
  const images = await (await api()).listImages({ filters: { reference: [repository] } })
  return images.flatMap((image) => image.RepoTags ?? []).filter((tag) => tag.startsWith(`${repository}:`))
}

/** Removes one tag. Docker refuses while any container, even a stopped one, uses the image: that is the point. */
export async function removeImageTag(tag: string): Promise<boolean> {
  return (await api())
    .getImage(tag)
    .remove({ force: false, noprune: false })
    .then(
      () => true,
      () => false,
    )
}

export async function importImage(tarball: string, tag: string, changes: string[]): Promise<void> {
  const result = await sh({ nothrow: true })`docker import ${changes.flatMap((c) => ['--change', c])} ${tarball} ${tag}`
  if (!result.ok) throw errors.imageBuildFailed('docker import', lastLine(result.stderr))
}
