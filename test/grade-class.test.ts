// A class graded with an exercise's points, as a teacher runs it: the class report opened in headless Chromium
// (scores, distribution, common mistakes, who hit the deadline, a link to each student's page with its packet
// diagram), then --resume grading again only the student whose file changed. UPDATE_SCREENSHOTS=1 refreshes
// docs/class-report.png.
import { existsSync } from 'node:fs'
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { $ } from 'zx'
import type { GradeRow } from '../engine/model/grade.ts'
import { ROOT } from '../engine/plan/layout.ts'
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.ts'

const CLASS = {
  ana: 'servidor-ok.py',
  bruno: 'servidor-localhost.py',
  carla: 'servidor-sem-boas-vindas.py',
  davi: 'servidor-localhost.py',
}
const EXERCISE = path.join(ROOT, 'exercises/01-tcp-cliente-servidor')

describe('grading a class with points', { timeout: 240_000 }, () => {
  let dir = ''
  afterAll(() => rm(dir, { recursive: true, force: true }))
  const grade = (...more: string[]) =>
    $({
      cwd: ROOT,
      nothrow: true,
      quiet: true,
      env: { ...process.env, NO_COLOR: '1', LANG: 'en_US.UTF-8', CI: '1' },
    })`npm run --silent lab -- grade --exercise ${EXERCISE} --server ${`${dir}/*/servidor.py`} --grades ${`${dir}/notas`} --parallel 4 ${more}`

  it("writes each student's points and a class report", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-class-report-'))
    for (const [student, fixture] of Object.entries(CLASS)) {
      await mkdir(path.join(dir, student))
      await cp(path.join(ROOT, 'test/fixtures/submissions', fixture), path.join(dir, student, 'servidor.py'))
    }
    const result = await grade('--report', path.join(dir, 'turma.html'))
    expect(result.exitCode, result.stderr).toBe(1)
    const rows = JSON.parse(await readFile(path.join(dir, 'notas.json'), 'utf8')) as GradeRow[]
    // exercise 01: 10 points; the localhost server earns only "waiting" (1) and "kept serving" (2).
    expect(rows.map((r) => [r.student, r.score, r.maxScore, r.hitDeadline])).toEqual([
      ['ana', 10, 10, false],
      ['bruno', 3, 10, false],
      ['carla', 3, 10, true],
      ['davi', 3, 10, false],
    ])
    expect(result.stdout).toContain('✘ bruno: failed 2/5, 3/10 points')
    expect(result.stdout).toMatch(/^» grading \[[█░]{20}\] 2\/4/m)
  })

  it.skipIf(!existsSync(CHROMIUM))(
    `the class report shows scores, spread, mistakes, deadline, and links each student's page (needs Chromium at ${CHROMIUM})`,
    async () => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
      try {
        const page = await browser.newPage({ viewport: { width: 1100, height: 900 } })
        await page.goto(pathToFileURL(path.join(dir, 'turma.html')).href)
        const table = await page
          .locator('#students tr.student')
          .evaluateAll((trs) =>
            trs.map((tr) => [tr.getAttribute('data-student'), tr.querySelector('.score')?.textContent]),
          )
        expect(table).toEqual([
          ['ana', '10/10'],
          ['bruno', '3/10'],
          ['carla', '3/10'],
          ['davi', '3/10'],
        ])
        const bins = await page
          .locator('#distribution tr.bin')
          .evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-count'))))
        expect([bins[3], bins[10], bins.reduce((a, b) => a + b, 0)]).toEqual([3, 1, 4])
        const hints = await page
          .locator('#hints li.hint')
          .evaluateAll((lis) => lis.map((li) => [Number(li.getAttribute('data-count')), li.textContent]))
        expect(hints[0][0]).toBe(2)
        expect(hints[0][1]).toContain('localhost (127.0.0.1)')
        await expect(page.locator('#deadline li.late').allTextContents()).resolves.toEqual(['carla'])
        if (process.env.UPDATE_SCREENSHOTS)
          await page.screenshot({ path: path.join(ROOT, 'docs/class-report.png'), fullPage: true })
        // Every student's link opens their own report, with the handshake in its packet diagram.
        await page.locator('#students tr.student[data-student="bruno"] a').click()
        await expect(page.locator('h1').textContent()).resolves.toBe('bruno: tcp-basic')
        expect(await page.locator('svg.sequence g.arrow').count()).toBeGreaterThan(0)
        await expect(page.locator('table.checks').textContent()).resolves.toContain('[hidden]')
      } finally {
        await browser.close()
      }
    },
  )

  it('--resume grades again only the student whose file changed', async () => {
    await appendFile(path.join(dir, 'davi', 'servidor.py'), '\n# nova versão\n')
    const before = JSON.parse(await readFile(path.join(dir, 'notas.json'), 'utf8')) as GradeRow[]
    const result = await grade('--resume')
    expect(result.stdout).toMatch(/^» grading 1 submission with tcp-basic, 4 at a time \(3 kept from .*notas\.json\)$/m)
    const after = JSON.parse(await readFile(path.join(dir, 'notas.json'), 'utf8')) as GradeRow[]
    expect(after.slice(0, 3)).toEqual(before.slice(0, 3))
    expect(after[3].hash).not.toBe(before[3].hash)
    expect(after[3].project).not.toBe(before[3].project)
    // The same files graded under another points table (here, none: no --exercise) are graded again, all of them.
    const regraded = await $({
      cwd: ROOT,
      nothrow: true,
      quiet: true,
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
    })`npm run --silent lab -- grade tcp-basic --server ${`${dir}/*/servidor.py`} --grades ${`${dir}/notas`} --parallel 4 --resume`
    expect(regraded.stdout).toMatch(/^» grading 4 submissions with tcp-basic, 4 at a time$/m)
  })

  it("grades folders (--server 'turma/*/' --entry servidor.py): a program importing its own module; two programs and no entry is an error row", async () => {
    const turma = path.join(dir, 'turma')
    await mkdir(path.join(turma, 'ana'), { recursive: true })
    await writeFile(path.join(turma, 'ana', 'mensagens.py'), 'BOAS_VINDAS = "Bem-vindo ao servidor!"\n')
    const ok = await readFile(path.join(ROOT, 'test/fixtures/submissions/servidor-ok.py'), 'utf8')
    await writeFile(
      path.join(turma, 'ana', 'servidor.py'),
      ok
        .replace('import socket', 'import socket\nfrom mensagens import BOAS_VINDAS')
        .replace('"Bem-vindo ao servidor!"', 'BOAS_VINDAS'),
    )
    await mkdir(path.join(turma, 'bruno'))
    await writeFile(path.join(turma, 'bruno', 'a.py'), '')
    await writeFile(path.join(turma, 'bruno', 'b.py'), '')
    const result = await $({
      cwd: ROOT,
      nothrow: true,
      quiet: true,
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
    })`npm run --silent lab -- grade tcp-basic --server ${`${turma}/*/`} --entry servidor.py --grades ${`${turma}/notas`}`
    const rows = JSON.parse(await readFile(path.join(turma, 'notas.json'), 'utf8')) as GradeRow[]
    expect(
      rows.map((r) => [r.student, r.verdict]),
      result.stderr,
    ).toEqual([
      ['ana', 'passed'],
      ['bruno', 'error'],
    ])
    expect(rows[1].hint).toBe(
      `several programs in "${path.join(turma, 'bruno')}" (a.py, b.py): name the entry point main.py (or main.js…), or give grade --entry NAME (see \`npm run lab -- --help\`)`,
    )
  })

  it('exits 2 with one line when there is nothing to resume', async () => {
    const result = await $({
      cwd: ROOT,
      nothrow: true,
      quiet: true,
    })`npm run --silent lab -- grade tcp-basic --server ${`${dir}/*/servidor.py`} --grades ${`${dir}/nada`} --resume`
    expect(result.exitCode).toBe(2)
    expect(result.stderr.trim()).toBe(
      `socket-lab: nothing to resume: ${dir}/nada.json does not exist (run grade once without --resume) (see \`npm run lab -- --help\`)`,
    )
  })
})
