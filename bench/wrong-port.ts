// `npm run bench -- --only wrong-port`: how long `npm run lab tcp-basic --server servidor-porta-errada.py` takes to
// fail a server that listens on another port. The sidecar reports a program that listens elsewhere only, for
// ELSEWHERE_GRACE_MS, and the lab fails it then instead of at the 20 s listen deadline. Target: under 5 s, idle.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { formatMs } from '../engine/judge/checks.ts'
import { ROOT } from '../engine/plan/layout.ts'
import { median } from './figures.ts'

export const WRONG_PORT_TARGET_MS = 5000
const FIXTURE = path.join(ROOT, 'test/fixtures/submissions/servidor-porta-errada.py')

function failOnce(): Promise<{ ms: number; code: number; stdout: string }> {
  const started = performance.now()
  return new Promise((resolve) => {
    let stdout = ''
    const child = spawn(process.execPath, ['--import', 'tsx', 'lab.ts', 'tcp-basic', '--server', FIXTURE], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
    child.on('close', (code) => resolve({ ms: performance.now() - started, code: code ?? -1, stdout }))
  })
}

export async function wrongPortSection(runs: number): Promise<string> {
  const times: number[] = []
  await failOnce() // warm-up, not counted
  for (let i = 0; i < runs; i++) {
    const result = await failOnce()
    if (result.code !== 1 || !result.stdout.includes('listens on 0.0.0.0:5000/tcp, not on port 12345')) {
      throw new Error(`the wrong-port run did not fail as expected (exit ${result.code}):\n${result.stdout}`)
    }
    times.push(result.ms)
    console.error(`wrong-port ${i + 1}/${runs}: ${formatMs(result.ms)}`)
  }
  const mid = median(times)
  return [
    `\`npm run lab tcp-basic --server servidor-porta-errada.py\` (a server on port 5000), whole process, ${runs} runs after a warm-up: ` +
      `median **${formatMs(mid)}** (${times.map(formatMs).join(', ')}); target under ${formatMs(WRONG_PORT_TARGET_MS)}: **${mid < WRONG_PORT_TARGET_MS ? 'met' : 'missed'}**.`,
    'Before the sidecar reported a program listening elsewhere, the same run waited for the 20 s listen deadline (about 22 s).',
  ].join('\n')
}
