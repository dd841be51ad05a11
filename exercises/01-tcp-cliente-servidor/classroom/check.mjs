#!/usr/bin/env node
// One GitHub Classroom test: did the check named $2 pass in the lab's results ($1, Gradescope's format, which
// holds every check with its visibility)? Exit 0 awards the test's points. A check the student may not see
// prints only its verdict, never its name or what was observed.
import { readFileSync } from 'node:fs'

const [results, name] = process.argv.slice(2)
let tests
try {
  tests = JSON.parse(readFileSync(results, 'utf8')).tests
} catch {
  console.log('the lab did not run: see the "Run the lab" step')
  process.exit(1)
}
const test = tests.find((t) => t.name === name)
if (!test) {
  console.log('this check did not run (the lab stopped before it): see the "Run the lab" step')
  process.exit(1)
}
const shown = test.visibility === 'visible'
console.log(`${test.status === 'passed' ? '✔' : '✘'} ${shown ? `${test.name}: ${test.output}` : 'hidden check'}`)
process.exit(test.status === 'passed' ? 0 : 1)
