import { expect, it } from 'vitest'
import { dnsWall, wireName } from './dns-wall.ts'

it('writes a name as DNS does', () => {
  expect(wireName('server').toString('hex')).toBe('0673657276657200')
  expect(wireName('Client-2.').toString('hex')).toBe(`08${Buffer.from('client-2').toString('hex')}00`)
  expect(() => wireName('a b')).toThrow('"a b" is no host name')
})

it("lets through one question for a lab name within the rate, and refuses every other query to Docker's resolver", () => {
  const wall = dnsWall(['server', 'a-long-host-name-of-the-lab', 'server'])
  expect(wall.match(/accept$/gm)).toHaveLength(2)
  expect(wall).toContain(
    'ip daddr 127.0.0.11 udp dport 53 @th,96,16 1 @th,160,64 0x0673657276657200 limit name "dns-rate" accept',
  )
  // 29 bytes: a piece of 16, then one of 13
  expect(wall).toContain(
    `@th,160,128 0x${wireName('a-long-host-name-of-the-lab').subarray(0, 16).toString('hex')} @th,288,104 0x${wireName('a-long-host-name-of-the-lab').subarray(16).toString('hex')} limit`,
  )
  expect(wall).toMatch(
    /ip daddr 127\.0\.0\.11 meta l4proto tcp counter reject with tcp reset\n\s+ip daddr 127\.0\.0\.11 counter reject\n/,
  )
  expect(wall).toContain('limit dns-rate { rate 200/second burst 400 packets }')
})
