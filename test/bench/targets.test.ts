import t from 'tap'
import { target, TargetLog } from '../../bench/lib/targets.js'

t.test('every target line is counted, a line with several targets once per verdict', async (t) => {
  const log = new TargetLog()
  log.note('footprint', target('memory < 150 MB', 'peak 140 MB', true))
  log.note('footprint', target('start < 1500 ms', '1600 ms', false))
  log.note('http', 'Targets: home ≥ 30% of bare: 41% met; submissions ≥ 2000 req/s: 1800 NOT met')
  log.note('http', 'GET / (home page, Swedish)   3000 req/s  p50 2 ms')
  log.note('queue', 'metadata and metrics are not verdicts')
  t.equal(log.lines.length, 3, 'only the lines that state a target')
  t.equal(log.met, 2)
  t.equal(log.missed, 2)
  t.same(log.lines[1], { section: 'footprint', line: 'Target start < 1500 ms: 1600 ms NOT met', met: 0, missed: 1 })
})
