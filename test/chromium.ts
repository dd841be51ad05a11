// Debian's Chromium as the browser tests and the bench drive it (playwright-core, no browser download).
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
// Flags from this machine's known-good setup: no sandbox as root, and no background traffic to the internet.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
