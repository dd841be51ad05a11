// docker-compose.yml is the lab written by hand, for `docker compose up`: every run's compose file is built from
// services.ts instead, so the two must not drift apart. Each of its program containers and sidecars carries the
// policy constants' every field with the same value, and its network and volume are the builders' own.
import { readFile } from 'node:fs/promises'
import { expect, it } from 'vitest'
import { parseCompose } from './compose.ts'
import { COMPOSE_FILE } from './layout.ts'
import {
  LAB_NETWORKS,
  LAB_VOLUMES,
  PROGRAM_POLICY,
  SIDECAR_POLICY,
  programContainer,
  sidecarContainer,
} from './services.ts'

const byHand = parseCompose(await readFile(COMPOSE_FILE, 'utf8'))
const pick = (service: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(keys.map((key) => [key, service[key]]))

it.each(['server', 'client'])(
  "docker-compose.yml's %s has the program policy, and its sidecar the sidecar policy",
  (host) => {
    expect(pick(byHand.services[host], Object.keys(PROGRAM_POLICY))).toEqual(PROGRAM_POLICY)
    expect(pick(byHand.services[`${host}-net`], Object.keys(SIDECAR_POLICY))).toEqual(SIDECAR_POLICY)
    const { networks, volumes, hostname } = programContainer('socket-lab-host:latest', host)
    expect(pick(byHand.services[host], ['networks', 'volumes', 'hostname'])).toEqual({ networks, volumes, hostname })
    const sidecar = sidecarContainer('socket-lab-host:latest', host)
    expect(pick(byHand.services[`${host}-net`], ['network_mode', 'volumes'])).toEqual(
      pick(sidecar, ['network_mode', 'volumes']),
    )
  },
)

it("docker-compose.yml has the builders' network and volume, and no service beyond its two hosts", () => {
  expect(byHand.networks).toEqual(LAB_NETWORKS)
  expect(byHand.volumes).toEqual(LAB_VOLUMES)
  expect(Object.keys(byHand.services).sort()).toEqual(['client', 'client-net', 'server', 'server-net'])
})

it('gives no container more than its policy: nothing privileged, no host namespace, no extra capability', () => {
  for (const service of [programContainer('i', 'h'), sidecarContainer('i', 'h')]) {
    expect(service.privileged).toBeUndefined()
    expect(service.pid).toBeUndefined()
    expect(service.cap_drop).toEqual(['ALL'])
  }
})
