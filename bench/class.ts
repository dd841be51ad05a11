// `npm run bench -- --only class`: a class of 30 graded by `lab grade` on this machine, 20 correct submissions
// and 10 with the common mistakes (two each: wrong port, bound to localhost, no welcome, syntax error, a hang).
// Target: the whole class in at most 60 s; the section reports the wall time, the verdicts and the slowest student.
import { spawn } from 'node:child_process'
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { ROOT } from '../engine/plan/layout.ts'
import type { GradeRow } from '../engine/model/grade.ts'

export const CLASS_TARGET_S = 60
/** Labs at once while grading: most of a lab's time is waiting (for a welcome, for a deadline), not CPU. */
export const CLASS_PARALLEL = 10

const MISTAKES = [
  'servidor-porta-errada.py',
  'servidor-localhost.py',
  'servidor-sem-boas-vindas.py',
  'servidor-sintaxe.py',
  'servidor-trava.py',
]

/** 30 student folders, aluno-01 … aluno-30, each with a servidor.py; the mistakes spread through the class. */
export async function makeClass(dir: string): Promise<Record<string, string>> {
  const fixtures = Array.from({ length: 30 }, (_, i) =>
    i % 3 === 2 ? MISTAKES[Math.floor(i / 3) % MISTAKES.length] : 'servidor-ok.py',
  )
  const students: Record<string, string> = {}
  for (const [i, fixture] of fixtures.entries()) {
    const student = `aluno-${String(i + 1).padStart(2, '0')}`
    await mkdir(path.join(dir, student))
    await cp(path.join(ROOT, 'test/fixtures/submissions', fixture), path.join(dir, student, 'servidor.py'))
    students[student] = fixture
  }
  return students
}

/** Grades the class once with `extra` options; its wall time and rows. */
async function gradeOnce(
  dir: string,
  parallel: number,
  extra: string[],
): Promise<{ code: number; wallS: number; rows: GradeRow[] }> {
  const started = performance.now()
  const code = await new Promise<number>((resolve) =>
    spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'lab.ts',
        'grade',
        'tcp-basic',
        '--server',
        `${dir}/*/servidor.py`,
        '--grades',
        path.join(dir, 'notas'),
        '--parallel',
        String(parallel),
        ...extra,
      ],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', CI: '1' }, stdio: 'ignore' },
    ).on('close', (c) => resolve(c ?? -1)),
  )
  const wallS = (performance.now() - started) / 1000
  return { code, wallS, rows: JSON.parse(await readFile(path.join(dir, 'notas.json'), 'utf8')) as GradeRow[] }
}

/** The class graded pooled (the default: warm labs, proven clean between students) and cold (--no-pool), one
 * after the other in one run. */
export async function classSection(parallel = CLASS_PARALLEL): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-bench-class-'))
  try {
    const students = await makeClass(dir)
    const lines = [
      `\`lab grade tcp-basic --parallel ${parallel}\` over 30 students: 20 correct, 10 with the common mistakes (wrong port, localhost, no welcome, syntax error, a hang; two each), pooled (the default) and \`--no-pool\`, one after the other.`,
      '',
      '| figure | pooled | --no-pool |',
      '|---|---|---|',
    ]
    const runs = [await gradeOnce(dir, parallel, []), await gradeOnce(dir, parallel, ['--no-pool'])]
    const cell = (f: (run: (typeof runs)[number]) => string) => runs.map(f).join(' | ')
    const slowest = (rows: GradeRow[]) => rows.reduce((a, b) => (b.elapsedS > a.elapsedS ? b : a))
    const wrong = (rows: GradeRow[]) =>
      rows.filter((r) => (students[r.student] === 'servidor-ok.py') !== (r.verdict === 'passed'))
    lines.push(
      `| whole class | ${cell((r) => `**${r.wallS.toFixed(1)} s** (${r.wallS <= CLASS_TARGET_S ? 'within' : 'over'} ${CLASS_TARGET_S} s)`)} |`,
      `| exit code | ${cell((r) => String(r.code))} |`,
      `| passed | ${cell(
        (r) =>
          `${r.rows.filter((row) => row.verdict === 'passed').length} / 30 (not as expected: ${
            wrong(r.rows)
              .map((row) => row.student)
              .join(', ') || 'none'
          })`,
      )} |`,
      `| slowest student | ${cell((r) => `${slowest(r.rows).student} (${students[slowest(r.rows).student]}), ${slowest(r.rows).elapsedS} s`)} |`,
      `| hit the deadline | ${cell((r) => String(r.rows.filter((row) => row.hitDeadline).length))} |`,
      `| labs brought up | ${cell((r) => String(new Set(r.rows.map((row) => row.project)).size))} |`,
    )
    return lines.join('\n')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
