import { describe, expect, it } from 'vitest'
import { clientOptions } from './daemon.ts'

describe('the Engine API client follows DOCKER_HOST', () => {
  it('takes a Unix socket, the default one when none is named', async () => {
    expect(await clientOptions('')).toEqual({ socketPath: '/var/run/docker.sock' })
    expect(await clientOptions('unix:///run/user/1000/docker.sock')).toEqual({
      socketPath: '/run/user/1000/docker.sock',
    })
  })

  it('speaks plain HTTP to tcp:// unless TLS is asked for', async () => {
    expect(await clientOptions('tcp://127.0.0.1:23750', {})).toEqual({
      protocol: 'http',
      host: '127.0.0.1',
      port: 23750,
    })
    expect(await clientOptions('tcp://docker.example', {})).toEqual({
      protocol: 'http',
      host: 'docker.example',
      port: 2375,
    })
  })

  it('tunnels ssh:// itself rather than taking it for TCP', async () => {
    expect(await clientOptions('ssh://ci@builder.example:2222', { SSH_AUTH_SOCK: '/tmp/agent.sock' })).toEqual({
      protocol: 'ssh',
      host: 'builder.example',
      port: 2222,
      username: 'ci',
      sshOptions: { agent: '/tmp/agent.sock' },
    })
    expect(await clientOptions('ssh://builder.example', {})).toMatchObject({
      protocol: 'ssh',
      port: 22,
      username: undefined,
    })
  })

  it('refuses an address it cannot speak to, in one line', async () => {
    await expect(clientOptions('npipe:////./pipe/docker_engine')).rejects.toThrow(
      'cannot reach the Docker daemon at "npipe:////./pipe/docker_engine": DOCKER_HOST takes unix://, tcp:// or ssh:// addresses',
    )
  })
})
