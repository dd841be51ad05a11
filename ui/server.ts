// The page's web server (`lab ui`): Node's own http, the live channel as server-sent events (better-sse: one-way is
// all a timeline needs; the page's controls are plain POSTs). It listens on 127.0.0.1 unless told otherwise, and
// every request needs the run's token (a random one per server, in the address `lab ui` prints): one without it gets
// 401 and nothing else. The page is text only: a Content-Security-Policy allows no inline script or style and no
// other origin, and the page writes a program's output with textContent, never as HTML.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createSession } from 'better-sse'
import { LabError } from '../engine/model/errors.ts'
import { pageFiles } from './page-files.ts'
import type { UiSession } from './session.ts'

export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** A control's body is a few words. */
const BODY_LIMIT = 4096

export interface UiServer {
  /** The page's address, token included. */
  url: string
  token: string
  port: number
  close(): Promise<void>
}

function tokenOk(given: string | null, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

async function body(request: IncomingMessage): Promise<string> {
  let text = ''
  for await (const chunk of request) {
    text += chunk
    if (text.length > BODY_LIMIT) throw new Error('too long')
  }
  return text
}

function send(response: ServerResponse, status: number, type: string, content: string | Buffer): void {
  response.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': CSP,
  })
  response.end(content)
}

const json = (response: ServerResponse, status: number, value: unknown) =>
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(value))

/** Serves `session`'s page on `address`:`port` (0: a free port). */
export async function startUiServer(
  session: UiSession,
  options: { address?: string; port?: number; token?: string } = {},
): Promise<UiServer> {
  const token = options.token ?? randomBytes(18).toString('base64url')
  const files = await pageFiles()
  const server: Server = createServer((request, response) => {
    void handle(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'the lab could not answer\n')
      else response.destroy()
    })
  })
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://page.invalid')
    if (!tokenOk(url.searchParams.get('token'), token))
      return send(
        response,
        401,
        'text/plain; charset=utf-8',
        '401: this page needs the token in the address `lab ui` printed\n',
      )
    const route = `${request.method} ${url.pathname}`
    switch (route) {
      case 'GET /':
        return send(response, 200, 'text/html; charset=utf-8', files.html(token))
      case 'GET /page.js':
        return send(response, 200, 'text/javascript; charset=utf-8', files.script)
      case 'GET /favicon.ico':
        response.writeHead(204, { 'cache-control': 'no-store' })
        return response.end()
      case 'GET /page.css':
        return send(response, 200, 'text/css; charset=utf-8', files.style)
      case 'GET /events': {
        const sse = await createSession(request, response, {
          keepAlive: 10_000,
          headers: { 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' },
        })
        const stop = session.listen((message) => {
          if (sse.isConnected) sse.push(message)
        })
        sse.once('disconnected', stop)
        return
      }
      case 'POST /run': {
        const started = session.run()
        started?.catch(() => undefined)
        return json(response, started ? 202 : 409, { ok: started !== undefined })
      }
      case 'POST /fault': {
        let words: unknown
        try {
          words = (JSON.parse(await body(request)) as { words?: unknown }).words
        } catch {
          words = undefined
        }
        if (!Array.isArray(words) || words.length > 8 || !words.every((w) => typeof w === 'string' && w.length <= 64))
          return json(response, 400, { ok: false, text: 'a fault is a few words: server loss 30, clear' })
        const outcome = await session.fault(words as string[])
        return json(response, outcome.ok ? 200 : 400, outcome)
      }
      default:
        return send(response, 404, 'text/plain; charset=utf-8', 'no such page\n')
    }
  }
  const address = options.address ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new LabError(
          error.code === 'EADDRINUSE'
            ? `the page cannot listen on ${address}:${options.port}: the port is taken (--port 0 picks a free one)`
            : `the page cannot listen on ${address}:${options.port ?? 0}: ${error.code ?? error.message} (--bind takes an address of this machine)`,
        ),
      ),
    )
    server.listen(options.port ?? 0, address, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const host = address.includes(':') ? `[${address}]` : address
  return {
    url: `http://${host}:${port}/?token=${token}`,
    token,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
