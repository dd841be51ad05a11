// The page's server without a lab (unit: no Docker): every request needs the token (401 and nothing else without
// it), the page comes with its Content-Security-Policy, its script is bundled, its event stream starts with the
// session's state, a control's bad body is refused, and a taken port is one clear error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadCatalog, selectScenarios } from '../engine/plan/catalog.ts'
import { parseBind, parsePort } from '../commands/ui.ts'
import { CSP, startUiServer, type UiServer } from './server.ts'
import { UiSession } from './session.ts'

const [tcpBasic] = selectScenarios(await loadCatalog(), ['tcp-basic'])
const session = new UiSession(tcpBasic, { image: 'none', impl: 'ts', submissions: {} })
let server: UiServer
const at = (path: string, token = server.token) =>
  `http://127.0.0.1:${server.port}${path}${token === undefined ? '' : `${path.includes('?') ? '&' : '?'}token=${token}`}`

beforeAll(async () => {
  server = await startUiServer(session)
})
afterAll(() => server.close())

describe('the page server', () => {
  it('answers 401 and nothing else without the right token', async () => {
    for (const path of ['/', '/page.js', '/page.css', '/events', '/nothing']) {
      for (const token of [undefined, '', 'x', `${server.token}x`]) {
        const response = await fetch(token === undefined ? `http://127.0.0.1:${server.port}${path}` : at(path, token))
        expect(response.status, `${path} ${token}`).toBe(401)
        expect(await response.text()).not.toContain(server.token)
      }
    }
    expect((await fetch(at('/run', 'x'), { method: 'POST' })).status).toBe(401)
  })

  it('serves the page under its policy, the bundled script, and the state on the event stream', async () => {
    const page = await fetch(at('/'))
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toBe(CSP)
    expect(CSP).toContain("script-src 'self'")
    expect(CSP).not.toContain('unsafe-inline')
    const html = await page.text()
    expect(html).toContain(`/page.js?token=${server.token}`)
    expect(html).not.toMatch(/<script>|style=/)
    const script = await fetch(at('/page.js'))
    expect(script.headers.get('content-type')).toMatch(/javascript/)
    expect(await script.text()).toContain('EventSource')
    const events = await fetch(at('/events'))
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader()
    let text = ''
    while (!text.includes('"kind":"state"')) text += (await reader.read()).value ?? ''
    await reader.cancel()
    expect(text).toContain('"running":false')
    expect((await fetch(at('/nothing'))).status).toBe(404)
  })

  it("refuses a fault control's bad body, and says a lab that is not up has nothing to change", async () => {
    for (const body of ['', 'nonsense', '{"words":"server loss 30"}', JSON.stringify({ words: Array(20).fill('x') })]) {
      const response = await fetch(at('/fault'), { method: 'POST', body })
      expect(response.status, body).toBe(400)
    }
    const response = await fetch(at('/fault'), {
      method: 'POST',
      body: JSON.stringify({ words: ['server', 'loss', '30'] }),
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { text: string }).text).toMatch(/no live lab/)
  })

  it('says in one line that a port is taken', async () => {
    await expect(startUiServer(session, { port: server.port })).rejects.toThrow(/port is taken/)
  })

  it('takes --port and --bind values it can use, and refuses the rest', () => {
    expect(parsePort(undefined)).toBe(0)
    expect(parsePort('8080')).toBe(8080)
    for (const bad of ['x', '-1', '65536', '80.5', '']) expect(() => parsePort(bad)).toThrow(/--port/)
    expect(parseBind(undefined)).toBe('127.0.0.1')
    expect(parseBind('0.0.0.0')).toBe('0.0.0.0')
    for (const bad of ['', 'example', '1.2.3.4; rm']) expect(() => parseBind(bad)).toThrow(/--bind/)
  })
})
