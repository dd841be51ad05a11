// A scenario's `build` host is built without a network: a Dockerfile's RUN cannot fetch anything, nor send
// anything out. Nothing here sends a packet: the RUN only asks the kernel where a packet would go (`ip route get`).
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { $ } from 'zx'
import { defineScenario } from '../engine/model/scenario.ts'
import { buildTag, ensureHostImages } from '../engine/runtime/host-images.ts'

const image = inject('labImage')
const folders: string[] = []
const tags: string[] = []

afterAll(async () => {
  // The tags this test's builds made, should one have succeeded (and so each run builds afresh).
  for (const tag of tags) await $({ quiet: true, nothrow: true })`docker image rm ${tag}`
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })))
})

describe('a build host', { timeout: 120_000 }, () => {
  it('is built without a network: a RUN that would connect out finds no route', async () => {
    const context = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-build-test-'))
    folders.push(context)
    // The label makes each run's build its own: a cached image would not build at all.
    await writeFile(
      path.join(context, 'Dockerfile'),
      `FROM ${image}\nLABEL test.run=${randomBytes(6).toString('hex')}\nRUN ip route get 198.51.100.1\n`,
    )
    tags.push(await buildTag({ context }))
    const scenario = {
      ...defineScenario({
        title: 'a build',
        teaches: 'test fixture',
        deadlineMs: 5000,
        hosts: { server: { build: context } },
        expect: {},
      }),
      id: 'build-offline',
    }
    await expect(ensureHostImages(scenario)).rejects.toThrow(
      /^building the image of host "server" failed: "Step 3\/4 : RUN ip route get 198\.51\.100\.1": RTNETLINK answers: Network is unreachable \(exit code 2\)$/,
    )
  })
})
