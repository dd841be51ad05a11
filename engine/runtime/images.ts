// Lab images: whether one exists, building, importing, listing and removing tags.
import { errors, lastLine } from '../model/errors.ts'
import { api, sh } from './daemon.ts'

/** Asks the CLI, not the Engine API: before a run, that spares loading the API client ahead of `up`. */
export async function imageExists(image: string): Promise<boolean> {
  return (await sh({ nothrow: true })`docker image inspect --format {{.Id}} ${image}`).ok
}

export async function pullImage(image: string): Promise<boolean> {
  return (await sh({ nothrow: true, timeout: 600_000 })`docker pull -q ${image}`).ok
}

export async function buildImage(context: string, tags: string[], buildArgs: Record<string, string>, labels: Record<string, string>, timeoutMs: number, network?: 'none', dockerfile?: string): Promise<void> {
  const args = [
    ...(dockerfile ? ['--file', dockerfile] : []),
    ...(network ? ['--network', network] : []),
    ...Object.entries(buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
    ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
  ]
  // --force-rm: a failed step must not leave its container behind.
  const result = await sh({ nothrow: true, timeout: timeoutMs })`docker build -q --force-rm ${args} ${tags.flatMap((tag) => ['-t', tag])} ${context}`
  if (result.ok) return
  if (result.signal) throw errors.imageBuildFailed('docker build', `it did not finish within ${Math.round(timeoutMs / 1000)} s`)
  const failed = failedBuildStep(result.stderr)
  throw errors.imageBuildFailed(failed.step, failed.detail)
}

/** The step a `docker build` failed at, and its last words, from the build log (which `-q` still prints on
 * failure): "Step 3/4 : RUN apt-get install …", "E: Unable to locate package … (exit code 100)". */
export function failedBuildStep(log: string): { step: string; detail: string } {
  // eslint-disable-next-line no-control-regex
  const lines = log.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((line) => line.trim()).filter(Boolean)
  const stepAt = lines.findLastIndex((line) => /^Step \d+\/\d+ : /.test(line))
  if (stepAt < 0) return { step: 'docker build', detail: lastLine(log) }
  const step = lines[stepAt]
  const verdict = lines.at(-1)!
  const exit = verdict.match(/returned a non-zero code: (\d+)$/)
  const said = lines.slice(stepAt + 1, -1).filter((line) => !line.startsWith('---> ') && !line.startsWith('Removing intermediate'))
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
  return (await api()).getImage(tag).remove({ force: false, noprune: false }).then(() => true, () => false)
}

export async function importImage(tarball: string, tag: string, changes: string[]): Promise<void> {
  const result = await sh({ nothrow: true })`docker import ${changes.flatMap((c) => ['--change', c])} ${tarball} ${tag}`
  if (!result.ok) throw errors.imageBuildFailed('docker import', lastLine(result.stderr))
}
