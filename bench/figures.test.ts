import { describe, expect, it } from 'vitest'
import { median, replaceBenchSection, summarize } from './figures.ts'

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })
})

describe('summarize', () => {
  it('writes one Markdown row per variant with every sample', () => {
    expect(
      summarize({ raw: [3100, 2900, 3300] })
        .split('\n')
        .at(-1),
    ).toBe('| raw | **3.1 s** | 2.9 s | 3.3 s | 3.1 s, 2.9 s, 3.3 s |')
  })
})

describe('replaceBenchSection', () => {
  const doc = 'intro\n<!-- bench:warm -->\nold\n<!-- /bench:warm -->\nrest'
  it('replaces only the text between the markers', () => {
    expect(replaceBenchSection(doc, 'warm', 'new')).toBe('intro\n<!-- bench:warm -->\nnew\n<!-- /bench:warm -->\nrest')
  })
  it('refuses a missing section', () => {
    expect(() => replaceBenchSection(doc, 'cold', 'x')).toThrow(
      'docs/BENCHMARKS.md has no <!-- bench:cold --> … <!-- /bench:cold --> section',
    )
  })
})
