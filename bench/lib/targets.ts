/**
 * How a section states a target: one line ending in "met" or "NOT met". `npm run bench` (run.ts)
 * reads every line it is given for these words, so a section that writes its own lines (several
 * targets on one) is counted too; it lists them all at the end and exits 1 when one is missed.
 */
export function target(name: string, value: string, met: boolean): string {
  return `Target ${name}: ${value} ${met ? 'met' : 'NOT met'}`
}

const VERDICTS = /\b(NOT )?met\b/g

/** Collects the target lines of a run; a line may state several targets ("… met; … NOT met"). */
export class TargetLog {
  readonly lines: Array<{ section: string; line: string; met: number; missed: number }> = []

  note(section: string, line: string): void {
    const verdicts = [...line.matchAll(VERDICTS)]
    if (verdicts.length === 0) return
    const missed = verdicts.filter((v) => v[1]).length
    this.lines.push({ section, line: line.trim(), met: verdicts.length - missed, missed })
  }

  get met(): number {
    return this.lines.reduce((n, l) => n + l.met, 0)
  }

  get missed(): number {
    return this.lines.reduce((n, l) => n + l.missed, 0)
  }
}
