// `npm run bench -- --only ui`: the browser page of `lab ui` (ui/). How long after the sidecar captured a packet the
// page had it (target: median under 200 ms), over warm reruns of tcp-handshake started from the page; and a flood
// (udp-loss with 20 000 datagrams): how long the page takes to draw its run, how much of it it drew, and the page's
// JavaScript heap. Debian's Chromium, driven by playwright-core, as the tests drive it.
import { spawn } from 'node:child_process'
import { chromium, type Page } from 'playwright-core'
import { formatMs } from '../engine/judge/checks.ts'
import { ROOT } from '../engine/plan/layout.ts'
import { median } from './figures.ts'
import { CHROMIUM, CHROMIUM_ARGS } from '../test/chromium.ts'

export const UI_LATENCY_TARGET_MS = 200

/** `lab ui <args>` until its address is printed; `stop` is its Ctrl-C. */
async function startUi(args: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['bin/socket-lab.mjs', 'ui', ...args], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk))
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()))
  const deadline = Date.now() + 180_000
  while (!/open http:\/\/\S+/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`lab ui did not start:\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    url: output.match(/open (http:\/\/\S+)/)![1],
    stop: async () => {
      process.kill(-child.pid!, 'SIGINT')
      await exited
    },
  }
}

const runsShown = (page: Page) => page.locator('[data-action="show-run"] option').count()

async function rerun(page: Page, number: number): Promise<void> {
  await page.click('[data-action="rerun"]')
  await page.waitForFunction((n) => document.querySelectorAll('[data-action="show-run"] option').length === n, number)
  await page.waitForSelector('[data-verdict]', { timeout: 60_000 })
}

export async function uiSection(runs: number): Promise<string> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  const lines: string[] = []
  try {
    // ---- latency: warm reruns with the page open ----
    const ui = await startUi(['tcp-handshake'])
    const late: number[] = []
    try {
      const page = await browser.newPage()
      await page.goto(ui.url)
      await page.waitForSelector('[data-verdict]', { timeout: 60_000 })
      for (let i = 0; i < runs; i++) {
        await rerun(page, (await runsShown(page)) + 1)
        const got = await page
          .locator('[data-packet][data-live="true"]')
          .evaluateAll((nodes) => nodes.map((node) => Number((node as HTMLElement).dataset.lateMs)))
        late.push(...got)
        console.error(`ui latency ${i + 1}/${runs}: ${got.length} live packets, median ${formatMs(median(got))}`)
      }
    } finally {
      await ui.stop()
    }
    const mid = median(late)
    const sorted = [...late].sort((a, b) => a - b)
    lines.push(
      `**Live packets**: \`lab ui tcp-handshake\`, ${runs} warm reruns from the page (Run again), each packet's delay from its capture in the sidecar (tcpdump's timestamp) to the page having it: ` +
        `${late.length} packets, median **${formatMs(mid)}**, 90th percentile ${formatMs(sorted[Math.floor(sorted.length * 0.9)] ?? NaN)}, most ${formatMs(sorted.at(-1) ?? NaN)}; ` +
        `target median under ${formatMs(UI_LATENCY_TARGET_MS)}: **${mid < UI_LATENCY_TARGET_MS ? 'met' : 'missed'}**.`,
    )

    // ---- a flood: udp-loss at its largest ----
    const flood = await startUi(['udp-loss', '--param', 'datagrams=20000'])
    try {
      const page = await browser.newPage()
      const started = performance.now()
      await page.goto(flood.url)
      await page.waitForSelector('[data-verdict]', { timeout: 180_000 })
      const drawnMs = performance.now() - started
      const drawn = await page.locator('table.lanes tbody tr').count()
      const cut = await page.locator('[data-cut]').getAttribute('data-cut')
      const scrolled = performance.now()
      await page.locator('#timeline').evaluate((node) => node.scrollTo(0, node.scrollHeight))
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined))))
      const scrollMs = performance.now() - scrolled
      const heap = await page.evaluate(
        () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0,
      )
      lines.push(
        `**A flood**: \`lab ui udp-loss --param datagrams=20000\` (cold), from opening the page to its verdict drawn **${formatMs(drawnMs)}** (the run's own time included); ` +
          `${drawn} rows drawn, ${cut ?? 0} events counted and not drawn (the page says so under the timeline); a scroll to the end ${formatMs(scrollMs)}; the page's JavaScript heap ${(heap / 2 ** 20).toFixed(1)} MiB.`,
      )
    } finally {
      await flood.stop()
    }
  } finally {
    await browser.close()
  }
  return lines.join('\n\n')
}
