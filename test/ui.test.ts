// `lab ui` as a person uses it: the process prints the page's address, the page (in Debian's Chromium, driven by
// playwright-core) draws tcp-handshake's handshake as three arrows between the right lanes, as many packets as the
// run's event stream carried, and its checks; "Run again" reruns it warm; a fault set from the page reaches the
// lab's sidecar and a bad one changes nothing; a request without the token gets 401; the server listens on
// 127.0.0.1 alone; a program's `<script>` is shown as text; Ctrl-C takes the lab down with nothing left.
// UPDATE_SCREENSHOTS=1 also refreshes docs/ui-router-down.png.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { $ } from 'zx'
import { ROOT } from '../engine/plan/layout.ts'
import { waitFor } from './lab-process.ts'
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.ts'

interface Ui {
  url: string
  /** Everything it printed so far. */
  output: () => string
  /** Ctrl-C, as a terminal sends it; resolves with its exit code. */
  interrupt: () => Promise<number | null>
}

const running: Ui[] = []

/** `lab ui <args>`, as a person starts it, once it printed its page's address. */
async function startUi(args: string[], command = ['ui']): Promise<Ui> {
  const flags = command[0] === 'up' ? ['--ui'] : []
  const child = spawn(process.execPath, ['bin/socket-lab.mjs', ...command, ...args, ...flags], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, NO_COLOR: '1', SOCKET_LAB_SCENARIOS: path.join(ROOT, 'scenarios') },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  let ended = false
  void exited.then(() => (ended = true))
  await waitFor('the page address', async () => ended || /open http:\/\/\S+/.test(output), 120_000)
  const url = output.match(/open (http:\/\/\S+)/)?.[1]
  if (!url) throw new Error(`lab ui printed no address:\n${output}`)
  const ui: Ui = {
    url,
    output: () => output,
    interrupt: () => {
      process.kill(-child.pid!, 'SIGINT')
      return exited
    },
  }
  running.push(ui)
  return ui
}

/** The addresses a TCP socket listens on at `port`, read from this machine's /proc/net/tcp and tcp6. */
async function listeningOn(port: number): Promise<string[]> {
  const found: string[] = []
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const row of (await readFile(table, 'utf8')).split('\n').slice(1)) {
      const [, local, , state] = row.trim().split(/\s+/)
      if (state !== '0A' || !local) continue
      const [address, hexPort] = local.split(':')
      if (parseInt(hexPort, 16) !== port) continue
      found.push(
        address.length === 8
          ? address
              .match(/../g)!
              .reverse()
              .map((byte) => parseInt(byte, 16))
              .join('.')
          : address,
      )
    }
  }
  return found
}

/** The page's own event stream, read to `untilKind` (as the page reads it). */
async function streamedEvents(url: string, untilKind: string): Promise<Record<string, unknown>[]> {
  const events = new URL(url)
  events.pathname = '/events'
  const response = await fetch(events)
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  const found: Record<string, unknown>[] = []
  let rest = ''
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return found
      rest += value
      const blocks = rest.split('\n\n')
      rest = blocks.pop()!
      for (const block of blocks) {
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5))
          .join('\n')
        if (!data) continue
        const message = JSON.parse(data) as Record<string, unknown>
        found.push(message)
        if (message.kind === untilKind) return found
      }
    }
  } finally {
    await reader.cancel()
  }
}

let browser: Browser
beforeAll(async () => {
  if (existsSync(CHROMIUM)) browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
})
afterAll(async () => {
  await browser?.close()
  // A test that failed half-way still takes its lab down.
  await Promise.all(running.map((ui) => ui.interrupt()))
})

/** What the pages threw: a test that waits in vain says why. */
const pageErrors: string[] = []

async function open(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } })
  page.on('pageerror', (error) => pageErrors.push(`${error.message}\n${error.stack ?? ''}`))
  await page.goto(url)
  return page
}

/** Waits for the page's verdict, saying what the page threw or showed if it does not come. */
async function verdictOn(page: Page, verdict: string, timeout = 30_000): Promise<void> {
  await page.waitForSelector(`[data-verdict="${verdict}"]`, { timeout }).catch(async (error: Error) => {
    const status = await page
      .locator('#status')
      .textContent()
      .catch(() => '?')
    throw new Error(`${error.message}\nstatus: ${status}\npage errors: ${pageErrors.join('\n') || 'none'}`)
  })
}

describe.skipIf(!existsSync(CHROMIUM))(
  `lab ui (needs Chromium at ${CHROMIUM}; .ci/run installs it)`,
  { timeout: 180_000 },
  () => {
    it('draws the handshake, reruns warm, sets a fault, refuses a request without the token, and leaves nothing', async () => {
      const ui = await startUi(['tcp-handshake'])
      const base = new URL(ui.url)
      const labName = ui.output().match(/in lab (\S+):/)?.[1]
      expect(labName).toBeTruthy()

      // Only 127.0.0.1, and nothing without the token.
      expect(await listeningOn(Number(base.port))).toEqual(['127.0.0.1'])
      const bare = `http://127.0.0.1:${base.port}`
      for (const address of [`${bare}/`, `${bare}/events`, `${bare}/page.js`, `${bare}/?token=wrong`]) {
        const response = await fetch(address, { method: 'GET' })
        expect(response.status, address).toBe(401)
      }
      expect((await fetch(`${bare}/run`, { method: 'POST' })).status).toBe(401)

      // What the run's event stream carried: the page must draw each of its packets once.
      const events = await streamedEvents(ui.url, 'run-ended')
      const ended = events.find((event) => event.kind === 'run-ended')!
      expect(ended.status).toBe('passed')
      const packetKeys = new Set(
        events
          .filter((event) => event.kind === 'packet')
          .map((event) => event.packet as Record<string, unknown>)
          .filter((packet) => packet.src && packet.dst)
          .map((packet) =>
            JSON.stringify([
              packet.src,
              packet.sport,
              packet.dst,
              packet.dport,
              packet.proto,
              packet.ipId,
              packet.seq,
              packet.ack,
              packet.flags,
              packet.length,
            ]),
          ),
      )

      const page = await open(ui.url)
      await verdictOn(page, 'passed')
      const arrows = await page.locator('[data-packet]').evaluateAll((nodes) =>
        nodes.map((node) => {
          const { packet, from, to, flags } = (node as HTMLElement).dataset
          return { packet, from, to, flags }
        }),
      )
      expect(arrows).toHaveLength(packetKeys.size)
      expect(arrows.filter((arrow) => arrow.packet === 'tcp').slice(0, 3)).toEqual([
        { packet: 'tcp', from: 'client', to: 'server', flags: 'S' },
        { packet: 'tcp', from: 'server', to: 'client', flags: 'S.' },
        { packet: 'tcp', from: 'client', to: 'server', flags: '.' },
      ])
      const checks = await page
        .locator('[data-check]')
        .evaluateAll((nodes) => nodes.map((node) => (node as HTMLElement).dataset.passed))
      expect(checks.length).toBe((ended.checks as unknown[]).length)
      expect(checks.every((passed) => passed === 'true')).toBe(true)
      expect(await page.locator('[data-host="server"] [data-address]').textContent()).toMatch(/^\d+\.\d+\.\d+\.\d+$/)

      // Step back in time: at the run's first moment only its first row is drawn, then the handshake's three
      // packets at the moment of the ACK, and everything at the right end.
      const stepTo = (value: number) =>
        page.locator('[data-action="step"]').evaluate((input, v) => {
          ;(input as HTMLInputElement).value = String(v)
          input.dispatchEvent(new Event('input'))
        }, value)
      const allRows = await page.locator('table.lanes tbody tr').count()
      await stepTo(0)
      await page.waitForFunction(() => document.querySelectorAll('table.lanes tbody tr').length === 1)
      await stepTo(1000)
      await page.waitForFunction((n) => document.querySelectorAll('table.lanes tbody tr').length === n, allRows)

      // Run again, from the page: a second run, warm in the same lab.
      await page.click('[data-action="rerun"]')
      await page.waitForFunction(() => document.querySelectorAll('[data-action="show-run"] option').length === 2)
      await verdictOn(page, 'passed')
      expect(await page.locator('h2', { hasText: 'checks of run 2' }).count()).toBe(1)
      // This run's packets came as they passed (the page was open), before the run was collected: the SYN too.
      const live = await page
        .locator('[data-packet="tcp"]')
        .evaluateAll((nodes) =>
          nodes.map((node) => `${(node as HTMLElement).dataset.flags} ${(node as HTMLElement).dataset.live}`),
        )
      expect(live[0]).toBe('S true')
      expect(live.every((arrow) => arrow.endsWith(' true'))).toBe(true)

      // A bad fault changes nothing and says why; a good one reaches the server's sidecar.
      const nft = async () =>
        (
          await $({
            quiet: true,
            nothrow: true,
          })`docker exec ${`${(await $({ quiet: true })`docker ps --filter label=socket-lab.live=${labName} --filter label=com.docker.compose.service=server-net --format {{.Names}}`).stdout.trim()}`} nft list ruleset`
        ).stdout.replace(/packets \d+ bytes \d+/g, 'packets bytes') // the rules, not what they counted
      const before = await nft()
      await page.fill('input[name="fault"]', 'server loss lots')
      await page.click('[data-action="fault"]')
      await page.waitForSelector('#fault-message[data-ok="false"]')
      expect(await page.locator('#fault-message').textContent()).toMatch(/loss/)
      expect((await nft()) === before).toBe(true)
      await page.fill('input[name="fault"]', 'server loss 30')
      await page.click('[data-action="fault"]')
      await page.waitForSelector('#fault-message[data-ok="true"]')
      expect(await page.locator('[data-host="server"] [data-fault]').textContent()).toContain('loses 30 %')
      // The sidecar's loss rule (a seeded draw, services/bin/net-ops.ts), which the bad value had not made.
      expect(before.includes('comment "loss"')).toBe(false)
      expect((await nft()).includes('comment "loss"')).toBe(true)
      await page.close()

      // Ctrl-C: the lab goes down with the server, and nothing of it is left.
      expect(await ui.interrupt()).toBe(130)
      running.splice(running.indexOf(ui), 1)
      expect(ui.output()).toContain('nothing left behind')
      expect(
        (
          await $({ quiet: true })`docker ps -a --filter label=socket-lab.live=${labName} --format {{.Names}}`
        ).stdout.trim(),
      ).toBe('')
      expect(await listeningOn(Number(base.port))).toEqual([])
    })

    it("shows a program's <script> as text, never as HTML", async () => {
      const ui = await startUi(['tcp-basic', '--server', 'test/fixtures/submissions/servidor-html.py'])
      const page = await open(ui.url)
      await page.waitForSelector('[data-verdict]', { timeout: 30_000 })
      const lines = await page.locator('[data-line="server"]').allTextContents()
      expect(lines.join('\n')).toContain('<script>window.pwned = 1</script>')
      expect(lines.join('\n')).toContain('<img src=x onerror="window.pwned = 2">')
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined()
      expect(await page.locator('img').count()).toBe(0)
      await page.close()
      expect(await ui.interrupt()).toBe(130)
      running.splice(running.indexOf(ui), 1)
      const labName = ui.output().match(/in lab (\S+):/)![1]
      expect(
        (
          await $({ quiet: true })`docker ps -a --filter label=socket-lab.live=${labName} --format {{.Names}}`
        ).stdout.trim(),
      ).toBe('')
    })
    it('router-down: the outage is a band where the sidecar applied and removed it, and TCP resends after it', async () => {
      const ui = await startUi(['router-down'])
      const events = await streamedEvents(ui.url, 'run-ended')
      const faults = events.filter((event) => event.kind === 'fault' && event.host === 'router')
      expect(faults.map((event) => event.action)).toEqual(['applied', 'removed'])
      const page = await open(ui.url)
      await page.waitForSelector('[data-verdict]', { timeout: 60_000 })
      const rows = await page.locator('table.lanes tbody tr').evaluateAll((nodes) =>
        nodes.map((row) => {
          const fault = row.querySelector<HTMLElement>('[data-fault-action]')
          const packet = row.querySelector<HTMLElement>('[data-packet]')
          return {
            fault: fault ? `${fault.dataset.fault} ${fault.dataset.faultAction}` : undefined,
            packet: packet ? `${packet.dataset.packet} ${packet.dataset.from}>${packet.dataset.to}` : undefined,
            // The router's lane, or an arrow across it.
            banded: [...row.querySelectorAll<HTMLElement>('td.in-fault')].some((cell) =>
              `${cell.dataset.lane ?? ''} ${cell.dataset.lanes ?? ''}`.split(' ').includes('router'),
            ),
          }
        }),
      )
      const applied = rows.findIndex((row) => row.fault === 'router applied')
      const removed = rows.findIndex((row) => row.fault === 'router removed')
      expect(applied).toBeGreaterThanOrEqual(0)
      expect(removed).toBeGreaterThan(applied)
      // The band: every row between the two edges is marked in the router's lane, and none outside.
      const between = rows.slice(applied + 1, removed).filter((row) => !row.fault)
      expect(between.length).toBeGreaterThan(0)
      expect(between.every((row) => row.banded)).toBe(true)
      expect(rows.slice(removed + 1).some((row) => row.banded)).toBe(false)
      // Each packet the router dropped is marked so, with its reason: as many as the router's blackhole counted.
      const dropped = await page.locator('[data-packet][data-dropped]').allTextContents()
      const counted = Number(
        await page
          .locator('[data-host="router"] [data-counter-blackhole]')
          .first()
          .getAttribute('data-counter-blackhole'),
      )
      expect(counted).toBeGreaterThan(0)
      expect(dropped).toHaveLength(counted)
      expect(dropped.every((text) => text.includes('dropped: router drops everything from 3 s for 3 s'))).toBe(true)
      // client's segments to server go on after the router came back (TCP resent what the outage ate; tclient's
      // settimeout gave up meanwhile).
      expect(rows.slice(removed + 1).some((row) => row.packet === 'tcp client>server')).toBe(true)
      if (process.env.UPDATE_SCREENSHOTS) {
        await page
          .locator(`#${(await page.locator('tr[data-kind="fault"]').first().getAttribute('id'))!}`)
          .scrollIntoViewIfNeeded()
        await page.screenshot({ path: path.join(ROOT, 'docs/ui-router-down.png') })
      }
      await page.close()
      expect(await ui.interrupt()).toBe(130)
      running.splice(running.indexOf(ui), 1)
      expect(ui.output()).toContain('nothing left behind')
    })
    it("lab up --ui: the page runs in lab up's lab, a fault set there shows in lab ps -v, and the lab stays up after Ctrl-C", async () => {
      const ui = await startUi(['tcp-basic'], ['up'])
      const labName = ui.output().match(/in lab (\S+):/)?.[1]
      expect(labName).toBeTruthy()
      const page = await open(ui.url)
      await verdictOn(page, 'passed')
      await page.fill('input[name="fault"]', 'server loss 30')
      await page.click('[data-action="fault"]')
      await page.waitForSelector('#fault-message[data-ok="true"]')
      await page.close()
      const ps = await $({ quiet: true })`${process.execPath} bin/socket-lab.mjs ps -v`
      // This lab's lines: its own line (its name, two spaces), then its faults line.
      const faults = ps.stdout
        .slice(ps.stdout.indexOf(`${labName}  `))
        .split('\n')
        .find((line) => line.includes('faults:'))
      expect(faults, ps.stdout).toContain('"host":"server"')
      expect(faults).toContain('"percent":30')
      expect(await ui.interrupt()).toBe(130)
      running.splice(running.indexOf(ui), 1)
      expect(ui.output()).not.toContain(`lab ${labName} is down`)
      const live = () => $({ quiet: true })`docker ps -a --filter label=socket-lab.live=${labName} --format {{.Names}}`
      expect((await live()).stdout.trim()).not.toBe('')
      await $({ quiet: true })`${process.execPath} bin/socket-lab.mjs down ${labName}`
      expect((await live()).stdout.trim()).toBe('')
    })
  },
)
