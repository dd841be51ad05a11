// `npm run lab -- grade` over a class folder: every submission graded, in parallel, one row each; pooled (the
// default: a few warm labs, each proven clean between students) and cold (--no-pool: a lab each), with the same rows.
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { $ } from 'zx'
import type { GradeRow } from '../engine/model/grade.ts'
import { ROOT } from '../engine/plan/layout.ts'

const CLASS = {
  ana: 'servidor-ok.py',
  bruno: 'servidor-localhost.py',
  carla: 'servidor-sintaxe.py',
  davi: 'servidor-ok.py',
  elis: 'servidor-flood.py',
  fabio: 'servidor-ok.py',
}

/** What a row says of a student, whatever lab graded them. */
const graded = (rows: GradeRow[]) =>
  rows.map(({ student, verdict, checksPassed, checksTotal, score, hint }) => ({
    student,
    verdict,
    checksPassed,
    checksTotal,
    score,
    hint,
  }))
const byMode: Record<string, GradeRow[]> = {}

describe('npm run lab -- grade', { timeout: 240_000 }, () => {
  let dir = ''
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it.each([
    ['pooled', [], (labs: number) => labs >= 1 && labs <= 3],
    ['cold (--no-pool)', ['--no-pool'], (labs: number) => labs === 6],
  ] as const)(
    'grades a class in parallel, %s, writes a row per student, and leaves nothing behind',
    async (mode, options, labsAsExpected) => {
      dir ||= await mkdtemp(path.join(os.tmpdir(), 'socket-lab-class-'))
      for (const [student, fixture] of Object.entries(CLASS)) {
        await mkdir(path.join(dir, student), { recursive: true })
        await cp(path.join(ROOT, 'test/fixtures/submissions', fixture), path.join(dir, student, 'servidor.py'))
      }
      const result = await $({
        cwd: ROOT,
        nothrow: true,
        quiet: true,
        env: { ...process.env, NO_COLOR: '1', LANG: 'pt_BR.UTF-8' },
      })`npm run --silent lab -- grade tcp-basic --server ${`${dir}/*/servidor.py`} --grades ${`${dir}/notas`} --parallel 3 ${options}`
      expect(result.exitCode, result.stderr).toBe(1)
      expect(result.stdout).toMatch(/^» wrote .*notas\.csv and .*notas\.json\n» 3\/6 passed in [\d.]+ m?s$/m)

      const rows = JSON.parse(await readFile(path.join(dir, 'notas.json'), 'utf8')) as GradeRow[]
      expect(Object.fromEntries(rows.map((r) => [r.student, r.verdict]))).toEqual({
        ana: 'passed',
        bruno: 'failed',
        carla: 'failed',
        davi: 'passed',
        elis: 'failed',
        fabio: 'passed',
      })
      expect(rows.find((r) => r.student === 'bruno')?.hint).toContain("use bind(('0.0.0.0', 12345))")
      const csv = (await readFile(path.join(dir, 'notas.csv'), 'utf8')).trim().split('\n')
      expect(csv[0]).toBe('student,verdict,checks_passed,checks_total,score,max_score,hint,elapsed_s,seed,files')
      expect(csv).toHaveLength(7)

      // A pooled class used at most one lab per lab at once; a cold one, a lab per student.
      const projects = [...new Set(rows.map((r) => r.project!))]
      expect(labsAsExpected(projects.length), `${mode}: ${projects.length} labs`).toBe(true)
      byMode[mode] = rows
      if (Object.keys(byMode).length === 2) expect(graded(byMode.pooled)).toEqual(graded(byMode['cold (--no-pool)']))
      for (const project of projects) {
        const left = await $({ quiet: true })`docker ps -aq --filter label=com.docker.compose.project=${project}`
        const networks = await $({
          quiet: true,
        })`docker network ls -q --filter label=com.docker.compose.project=${project}`
        expect(left.stdout + networks.stdout, project).toBe('')
      }
    },
  )

  it('exits 2 with one line when no file matches', async () => {
    const result = await $({
      cwd: ROOT,
      nothrow: true,
      quiet: true,
    })`npm run --silent lab -- grade tcp-basic --server /nonexistent/*/servidor.py`
    expect(result.exitCode).toBe(2)
    expect(result.stderr.trim()).toBe(
      'socket-lab: no file matches /nonexistent/*/servidor.py (symbolic links are not followed) (see `npm run lab -- --help`)',
    )
  })
})
