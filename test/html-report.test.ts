// The HTML report as a person sees it: opened in headless Chromium, the packet diagram of tcp-handshake shows
// the three handshake arrows in order. UPDATE_SCREENSHOTS=1 also refreshes the screenshot in docs/.
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { describe, expect, inject, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../engine/plan/catalog.ts'
import { ROOT } from '../engine/plan/layout.ts'
import { runScenario } from '../engine/runtime/run.ts'
import { htmlReport } from '../reporters/html.ts'
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.ts'

describe('the HTML report', { timeout: 90_000 }, () => {
  it.skipIf(!existsSync(CHROMIUM))(
    `draws the tcp-handshake handshake as three arrows in order (needs Chromium at ${CHROMIUM}; .ci/run installs it)`,
    async () => {
      const [scenario] = selectScenarios(await loadCatalog(), ['tcp-handshake'])
      const result = await runScenario(scenario, { image: inject('labImage'), captureAll: true })
      const dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-report-'))
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
      try {
        const file = path.join(dir, 'report.html')
        await writeFile(file, htmlReport([result]))
        const page = await browser.newPage({ viewport: { width: 1100, height: 900 } })
        await page.goto(pathToFileURL(file).href)
        const arrows = page.locator('section#tcp-handshake svg.sequence g.arrow')
        const drawn = await arrows.evaluateAll((nodes) =>
          nodes.map((n) => ({
            flags: n.getAttribute('data-flags'),
            from: n.getAttribute('data-from'),
            to: n.getAttribute('data-to'),
            y: Number(n.querySelector('line')?.getAttribute('y1')),
            visible: (n as SVGGElement).getBBox().width > 0,
          })),
        )
        const tcp = drawn.filter((a) => a.flags !== 'request' && a.flags !== 'reply')
        expect(tcp.slice(0, 3).map((a) => `${a.from}→${a.to} ${a.flags}`)).toEqual([
          'client→server S',
          'server→client S.',
          'client→server .',
        ])
        expect(tcp[0].y).toBeLessThan(tcp[1].y)
        expect(tcp[1].y).toBeLessThan(tcp[2].y)
        expect(tcp.slice(0, 3).every((a) => a.visible)).toBe(true)
        await expect(page.locator('section#tcp-handshake table.checks tr.fail').count()).resolves.toBe(0)
        if (process.env.UPDATE_SCREENSHOTS) {
          await page
            .locator('section#tcp-handshake')
            .screenshot({ path: path.join(ROOT, 'docs/report-tcp-handshake.png') })
        }
      } finally {
        await browser.close()
        await rm(dir, { recursive: true, force: true })
      }
    },
  )
})
