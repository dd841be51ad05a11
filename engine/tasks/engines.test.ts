import { expect, it } from 'vitest'
import { parseEngines, shareOut } from './engines.ts'

it('shares students by work per lab slot', () => {
  expect(shareOut(5, [{ parallel: 2 }, { parallel: 1 }])).toEqual([[0, 2, 3], [1, 4]])
  expect(shareOut(3, [{ parallel: 1 }, { parallel: 1 }, { parallel: 1 }, { parallel: 1 }])).toEqual([[0], [1], [2], []])
})

it('reads DOCKER_HOST URLs with their own parallelism, and refuses what is neither URL nor context name', async () => {
  await expect(parseEngines('unix:///var/run/docker.sock=3,tcp://10.0.0.2:2376,lab1', 2, async (context) => `ssh://aluno@${context}`)).resolves.toEqual([
    { label: 'unix:///var/run/docker.sock', dockerHost: 'unix:///var/run/docker.sock', parallel: 3 },
    { label: 'tcp://10.0.0.2:2376', dockerHost: 'tcp://10.0.0.2:2376', parallel: 2 },
    { label: 'lab1', dockerHost: 'ssh://aluno@lab1', parallel: 2 },
  ])
  await expect(parseEngines('lab 1', 2, async () => '')).rejects.toThrow('--engines: "lab 1" is neither a docker context name nor a DOCKER_HOST URL (unix://, tcp://, ssh://)')
  await expect(parseEngines('unix:///a.sock=0', 2, async () => '')).rejects.toThrow('--engines … =N takes a whole number from 1, not "0"')
  await expect(parseEngines(',', 2, async () => '')).rejects.toThrow('--engines takes a list')
})
