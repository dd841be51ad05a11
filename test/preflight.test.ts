// Each environment problem ends in one line saying how to fix it, and exit code 2. Real conditions, no mocks:
// a PATH without docker, a docker whose compose plugin is missing, a user without access to the socket.
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { $, which } from 'zx'
import * as docker from '../engine/runtime/docker.ts'
import { ROOT } from '../engine/plan/layout.ts'

let bin: string

/** `node bin/socket-lab.mjs tcp-basic` (what `npm run lab` runs) with only the given PATH (npm needs more of it). */
const labWithPath = (PATH: string, prefix: string[] = [], env: Record<string, string> = {}) =>
  $({
    cwd: ROOT,
    nothrow: true,
    quiet: true,
    env: { ...process.env, NO_COLOR: '1', PATH, ...env },
  })`${prefix} ${process.execPath} bin/socket-lab.mjs tcp-basic`

beforeAll(async () => {
  // A bin folder with a shell but no docker; tests add a fake docker to it where they need one.
  bin = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-path-'))
  for (const tool of ['sh', 'bash']) await symlink((await which(tool))!, path.join(bin, tool))
  await chmod(bin, 0o755)
})
afterAll(() => rm(bin, { recursive: true, force: true }))

describe('preflight', { timeout: 60_000 }, () => {
  it('says the docker command is missing when it is not on PATH', async () => {
    const result = await labWithPath(bin)
    expect(result.exitCode).toBe(2)
    expect(result.stderr.trim()).toBe(
      'socket-lab: the docker command was not found: install Docker Engine or Docker Desktop and make sure `docker` is on PATH',
    )
  })

  it('says Compose v2 is missing when the compose plugin is not v2', async () => {
    const realDocker = (await which('docker'))!
    const withShim = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-shim-'))
    try {
      // The real docker for everything, except that its compose is v1: `docker compose`, and the plugin's binary
      // in the CLI's config folder, which the lab runs directly (it comes before the system's plugin folders).
      await writeFile(
        path.join(withShim, 'docker'),
        `#!/bin/sh\nif [ "$1" = compose ]; then echo 1.29.2; exit 0; fi\nexec ${realDocker} "$@"\n`,
        { mode: 0o755 },
      )
      await mkdir(path.join(withShim, 'config', 'cli-plugins'), { recursive: true })
      await writeFile(path.join(withShim, 'config', 'cli-plugins', 'docker-compose'), '#!/bin/sh\necho 1.29.2\n', {
        mode: 0o755,
      })
      const result = await labWithPath(`${withShim}:${bin}`, [], { DOCKER_CONFIG: path.join(withShim, 'config') })
      expect(result.exitCode).toBe(2)
      expect(result.stderr.trim()).toBe(
        'socket-lab: Docker Compose v2 is missing: install the compose plugin so that `docker compose version` prints v2 or later',
      )
    } finally {
      await rm(withShim, { recursive: true, force: true })
    }
  })

  it.skipIf(process.getuid?.() !== 0)(
    'says permission is denied on the socket for a user outside the docker group',
    async () => {
      // Only the docker CLI runs as nobody (uid 65534, no groups): the lab learns about the socket from it alone,
      // and the lab itself still reads its clone, which may sit in a folder that nobody cannot enter (CI's).
      const realDocker = (await which('docker'))!
      const asNobody = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-nobody-'))
      try {
        // DOCKER_CONFIG: a folder nobody may read; with root's, the CLI would warn "permission denied" about it as well.
        await writeFile(
          path.join(asNobody, 'docker'),
          `#!/bin/sh\nDOCKER_CONFIG=${asNobody} exec setpriv --reuid=65534 --regid=65534 --clear-groups ${realDocker} "$@"\n`,
          { mode: 0o755 },
        )
        await chmod(asNobody, 0o755)
        const socket = process.env.DOCKER_HOST?.replace(/^unix:\/\//, '') ?? '/var/run/docker.sock'
        const cli = await $({
          nothrow: true,
          quiet: true,
        })`${path.join(asNobody, 'docker')} version --format {{.Server.Version}}`
        expect(cli.stderr).toContain(
          `permission denied while trying to connect to the Docker daemon socket at unix://${socket}`,
        )

        const result = await labWithPath(`${asNobody}:${process.env.PATH}`)
        expect(result.exitCode).toBe(2)
        expect(result.stderr.trim()).toBe(
          `socket-lab: permission denied on the Docker socket ${socket}: add yourself to the docker group (\`sudo usermod -aG docker $USER\`, then log in again) or run as root`,
        )
      } finally {
        await rm(asNobody, { recursive: true, force: true })
      }
    },
  )

  it('names the image build step that failed and leaves no container of it behind', async () => {
    const marker = `socket-lab.buildtest=${randomBytes(4).toString('hex')}`
    const context = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-buildtest-'))
    try {
      // The label reaches the failed step's container, so the test finds exactly its own.
      await writeFile(
        path.join(context, 'Dockerfile'),
        `FROM ${inject('labImage')}\nLABEL ${marker}\nRUN echo 'E: Unable to locate package nope' >&2; exit 100\n`,
      )
      const build = docker.buildImage(context, [`socket-lab-buildtest:never`], {}, {}, 60_000)
      await expect(build).rejects.toThrow(
        `building the lab image failed at "Step 3/3 : RUN echo 'E: Unable to locate package nope' >&2; exit 100": E: Unable to locate package nope (exit code 100)`,
      )
      await expect(build).rejects.toMatchObject({ exitCode: 2 })
      expect((await $({ quiet: true })`docker ps -aq --filter label=${marker}`).stdout).toBe('')
    } finally {
      await $({ quiet: true, nothrow: true })`docker image prune -f --filter label=${marker}`
      await rm(context, { recursive: true, force: true })
    }
  })
})
