// Warm labs kept for many runs of one scenario (a class being graded): a lab is brought up once, with idle
// programs, and each run starts its programs by exec, as a warm rerun does (runtime/warm-start.ts). The first run
// pays the cold start; the next ones pay their own programs' time. Between two runs the lab is scrubbed and proven
// clean (no process, no file in /tmp or /dev/shm, nothing listening); one that cannot be proven clean is taken
// down, said so in one line, and the next run brings up a new one. Its network is put back by the next run's reset.
import type { ScenarioResult } from '../model/result.ts'
import type { Impl, Scenario } from '../model/scenario.ts'
import type { LiveLab } from '../plan/live-lab.ts'
import { downLiveLab, upLiveLab } from '../runtime/live.ts'
import { onInterrupt } from '../runtime/teardown.ts'
import { runWarm, scrubLive, whyNotWarm } from '../runtime/warm-start.ts'

export interface LabPoolOptions {
  image: string
  impl: Impl
  /** At most this many labs up at once. */
  size: number
  /** One line for the person (a lab discarded). */
  note: (line: string) => void
  /** What every run's random faults draw from (each run applies them afresh). */
  seed?: number
}

let pools = 0

export class LabPool implements AsyncDisposable {
  readonly scenario: Scenario
  readonly options: LabPoolOptions
  readonly #idle: LiveLab[] = []
  readonly #up = new Set<LiveLab>()
  readonly #forget: () => void
  readonly #id = `${process.pid}-${++pools}`
  /** Runs waiting for a lab, while `size` labs are busy. */
  readonly #waiting: {
    resolve: (lab: LiveLab) => void
    reject: (error: unknown) => void
    submissions: Record<string, string>
  }[] = []
  #starting = 0
  #named = 0

  /** Undefined when the scenario cannot run warm (its faults start with the sidecar): run it cold. */
  static for(scenario: Scenario, options: LabPoolOptions): LabPool | undefined {
    return whyNotWarm(scenario) || options.size < 1 ? undefined : new LabPool(scenario, options)
  }

  private constructor(scenario: Scenario, options: LabPoolOptions) {
    this.scenario = scenario
    this.options = options
    // An interruption takes every lab of the pool down with the process.
    this.#forget = onInterrupt(() => this.close(), `the labs of ${scenario.id}'s pool`)
  }

  /** Runs the scenario with these programs in a lab of the pool; the lab goes back to the pool once it is proven
   * clean. Submissions by host must name the same hosts in every run (the lab mounts their folders at its start). */
  async run(submissions: Record<string, string>): Promise<ScenarioResult> {
    const lab = await this.#acquire(submissions)
    lab.submissions = submissions
    let clean = false
    try {
      const result = await runWarm(lab, this.scenario, { seed: this.options.seed })
      const dirt = await scrubLive(lab, Object.keys(this.scenario.hosts))
      clean = dirt.length === 0
      if (!clean)
        this.options.note(
          `a pooled lab of ${this.scenario.id} is discarded, it could not be proven clean: ${dirt.join('; ')}`,
        )
      return result
    } finally {
      if (clean) this.#release(lab)
      else await this.#discard(lab)
    }
  }

  /** An idle lab, else a new one while fewer than `size` are up, else the next one a run gives back. */
  async #acquire(submissions: Record<string, string>): Promise<LiveLab> {
    const idle = this.#idle.pop()
    if (idle) return idle
    if (this.#up.size + this.#starting < this.options.size) return this.#bringUp(submissions)
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject, submissions }))
  }

  #release(lab: LiveLab): void {
    const next = this.#waiting.shift()
    if (next) next.resolve(lab)
    else this.#idle.push(lab)
  }

  async #bringUp(submissions: Record<string, string>): Promise<LiveLab> {
    const name = `pool-${this.scenario.id}-${this.#id}-${++this.#named}`
    this.#starting++
    try {
      const lab = await upLiveLab(this.scenario, {
        name,
        image: this.options.image,
        impl: this.options.impl,
        submissions,
      })
      this.#up.add(lab)
      return lab
    } finally {
      this.#starting--
    }
  }

  async #discard(lab: LiveLab): Promise<void> {
    this.#up.delete(lab)
    const left = await downLiveLab(lab)
    if (left.length) this.options.note(`a pooled lab of ${this.scenario.id} left ${left.join('; ')}`)
    // A run waiting for this lab gets a new one.
    const next = this.#waiting.shift()
    if (next) this.#bringUp(next.submissions).then(next.resolve, next.reject)
  }

  /** Takes every lab of the pool down; what could not be removed, in words. */
  async close(): Promise<string[]> {
    const labs = [...this.#up]
    this.#up.clear()
    this.#idle.length = 0
    const left = (await Promise.all(labs.map(downLiveLab))).flat()
    this.#forget()
    return left
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}
