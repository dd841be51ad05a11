import { describe, expect, it } from 'vitest'
import { hintsFor, langFromEnv, type HintEvidence } from './hints.ts'
import type { HostRun } from './scenario.ts'

const host = (over: Partial<HostRun>): HostRun => ({ host: 'server', started: true, exitCode: null, startedAt: 0, elapsedMs: 1000, stdout: [], stderr: [], ...over })
const failed = [{ description: 'x', passed: false, reason: 'x' }]
const evidence = (server: Partial<HostRun>): HintEvidence => ({ run: { hosts: { server: host(server) }, problems: [] }, checks: failed, submitted: ['server'] })
const hintOf = (server: Partial<HostRun>) => hintsFor({}, evidence(server)).map((h) => h.id)

describe('hintsFor', () => {
  it('names a server bound to localhost from the sockets it listens on', () => {
    expect(hintOf({ listening: ['127.0.0.11:39461/tcp', '127.0.0.1:12345/tcp'] })).toEqual(['bound-to-localhost'])
    expect(hintOf({ listening: ['0.0.0.0:12345/tcp'] })).toEqual([])
    expect(hintOf({ listening: ['[::1]:12345/tcp'] })).toEqual(['bound-to-localhost'])
    expect(hintOf({ listening: ['[::ffff:127.0.0.1]:12345/tcp', '127.0.0.1:12345/tcp'] })).toEqual(['bound-to-localhost'])
    expect(hintOf({ listening: ['[::]:12345/tcp'] })).toEqual([])
  })

  it('names the wrong port, ignoring Docker\'s own resolver', () => {
    const [hint] = hintsFor({}, evidence({ listening: ['127.0.0.11:39461/tcp', '0.0.0.0:5000/tcp'] }))
    expect(hint.text.en).toBe('The server listens on port 5000, but the exercise uses port 12345 (LAB_PORT).')
    const [v6] = hintsFor({}, evidence({ listening: ['127.0.0.11:39461/tcp', '[::]:5000/tcp'] }))
    expect(v6.text.en).toBe('The server listens on port 5000, but the exercise uses port 12345 (LAB_PORT).')
    expect(hintOf({ listening: ['[::]:5000/tcp', '[::]:12345/tcp'] })).toEqual([])
  })

  it('prefers the most specific mistake: a syntax error over a crash', () => {
    expect(hintOf({ exitCode: 1, stderr: [{ atMs: 1, text: "SyntaxError: expected ':'" }] })).toEqual(['syntax-error'])
    expect(hintOf({ exitCode: 1, stderr: [{ atMs: 1, text: 'ZeroDivisionError: division by zero' }] })).toEqual(['crashed'])
  })

  it('names a forgotten encode or decode', () => {
    expect(hintOf({ exitCode: 1, stderr: [{ atMs: 1, text: "TypeError: a bytes-like object is required, not 'str'" }] })).toEqual(['encode'])
    expect(hintOf({ stdout: [{ atMs: 1, text: "Mensagem recebida do cliente: b'Ol\\xc3\\xa1'" }] })).toEqual(['decode'])
  })

  it('puts the scenario\'s own hints first, and says nothing when every check passed or nothing was submitted', () => {
    const rule = { id: 'own', match: () => ({ 'pt-BR': 'x', en: 'x' }) }
    expect(hintsFor({ hints: [rule] }, evidence({ outputCut: true })).map((h) => h.id)).toEqual(['own'])
    expect(hintsFor({}, { ...evidence({ outputCut: true }), checks: [] })).toEqual([])
    expect(hintsFor({}, { ...evidence({ outputCut: true }), submitted: [] })).toEqual([])
  })
})

it('speaks Portuguese when LANG asks for it', () => {
  expect([langFromEnv('pt_BR.UTF-8'), langFromEnv('en_US.UTF-8'), langFromEnv('')]).toEqual(['pt-BR', 'en', 'en'])
})
