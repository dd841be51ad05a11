// The oldest Node the lab runs on, as package.json's engines says (a unit test keeps the two equal):
// bin/socket-lab.mjs refuses an older one in one line, and .ci/run installs a newer one where the machine's is older.
export const OLDEST_NODE = '22.12'

/** Whether a Node version (`process.versions.node`) is OLDEST_NODE or later. */
export function nodeSupported(version) {
  const [major, minor] = version.split('.').map(Number)
  const [oldestMajor, oldestMinor] = OLDEST_NODE.split('.').map(Number)
  return major > oldestMajor || (major === oldestMajor && minor >= oldestMinor)
}
