// Grading a whole class: every student's submission runs in its own lab, a few at a time, and each becomes
// one row of a CSV and a JSON file a teacher can open (written by reporters/grades.ts).
import path from 'node:path'
import { checkTally } from '../model/describe.ts'
import { scoreChecks, totalScore } from '../model/points.ts'
import { errors } from '../model/errors.ts'
import type { GradeRow } from '../model/grade.ts'
import { USER_DIR } from '../plan/layout.ts'
import type { Lang } from '../model/hints.ts'
import type { ScenarioResult } from '../model/result.ts'

export type { GradeRow }

export interface StudentSubmission {
  /** The student's folder name (or the file's name when every file sits in one folder). */
  student: string
  /** Files by host. */
  files: Record<string, string>
}


/** Expands one glob per host into students: the first host's matches name the students, and each other
 * host's file is the match in the same student folder. A glob that ends with / matches folders: each is one
 * student's submission, whose entry point engine/plan/submission.ts finds (its only program, or main.*). */
export async function findSubmissions(globs: Record<string, string>, cwd = USER_DIR): Promise<StudentSubmission[]> {
  const hosts = Object.keys(globs)
  if (hosts.length === 0) throw errors.usage('grade needs the students\' files: --server \'entregas/*/servidor.py\' (or --client, --host name=glob)')
  const { glob } = await import('tinyglobby')
  const folders = (host: string) => globs[host].endsWith('/')
  const matches = Object.fromEntries(await Promise.all(hosts.map(async (host) =>
    // a student's symbolic link could point anywhere (servidor.py -> /etc/shadow): links, to files or folders, are not matched
    [host, (await glob(globs[host], { cwd, absolute: true, onlyFiles: !folders(host), onlyDirectories: folders(host), followSymbolicLinks: false }))
      .map((match) => (folders(host) ? match.replace(/\/+$/, '') : match)).sort()] as const)))
  const [first] = hosts
  if (matches[first].length === 0) throw errors.usage(`no ${folders(first) ? 'folder' : 'file'} matches ${globs[first]} (symbolic links are not followed)`)
  const folderOf = (host: string, match: string) => (folders(host) ? match : path.dirname(match))
  const byFolder = folders(first) || new Set(matches[first].map((file) => path.dirname(file))).size === matches[first].length
  return matches[first].map((match) => {
    const folder = folderOf(first, match)
    const files: Record<string, string> = { [first]: match }
    for (const host of hosts.slice(1)) {
      const mine = matches[host].find((other) => folderOf(host, other) === folder)
      if (mine) files[host] = mine
    }
    return { student: byFolder ? path.basename(folder) : path.basename(match, path.extname(match)), files }
  })
}

export function gradeRow(submission: StudentSubmission, result: ScenarioResult, lang: Lang): GradeRow {
  const score = totalScore(scoreChecks(result.checks, result.scenario.grading))
  return {
    student: submission.student,
    verdict: result.status,
    checksPassed: checkTally(result.checks).passed,
    checksTotal: checkTally(result.checks).total,
    score: score.points,
    maxScore: score.max,
    hitDeadline: result.run.problems.some((problem) => problem.includes(' deadline')),
    hint: result.hints[0]?.text[lang] ?? (result.status === 'failed' ? result.checks.find((c) => !c.passed)?.reason ?? '' : ''),
    elapsedS: Math.round(result.wallMs / 100) / 10,
    files: submission.files,
    project: result.project,
  }
}

export function errorRow(submission: StudentSubmission, error: Error): GradeRow {
  return { student: submission.student, verdict: 'error', checksPassed: 0, checksTotal: 0, score: 0, maxScore: 0, hitDeadline: false, hint: error.message, elapsedS: 0, files: submission.files }
}
