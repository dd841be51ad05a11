import { expect, it } from 'vitest'
import { visible } from './visible.ts'

it('writes out controls, escapes and bidirectional overrides, and keeps accents and tabs', () => {
  expect(visible('ação\tçé')).toBe('ação\tçé')
  expect(visible('a\nb\rc\u001b[31md\u0000\u007f\u009b\u202eé')).toBe('a\\nb\\rc\\x1b[31md\\x00\\x7f\\x9b\\u202eé')
})
