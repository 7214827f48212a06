import t from 'tap'
import { randomBytes } from '../../src/security/random.js'

t.test('pooled random bytes: the size asked for, never handed out twice, never sharing memory', async (t) => {
  const seen = new Set<string>()
  const values: Buffer[] = []
  // More than one pool's worth, so refills are crossed.
  for (let i = 0; i < 1_000; i++) {
    const value = randomBytes(12)
    values.push(value)
    seen.add(value.toString('hex'))
  }
  t.ok(values.every((v) => v.length === 12), 'each of the size asked for')
  t.equal(seen.size, 1_000, 'all distinct')
  const snapshot = values.map((v) => v.toString('hex'))
  for (const v of values.slice(0, 500)) v.fill(0)
  t.same(values.slice(500).map((v) => v.toString('hex')), snapshot.slice(500), 'writing over some values leaves the others as they were')

  const big = randomBytes(10_000)
  t.equal(big.length, 10_000, 'a large request is served whole')
  t.ok(new Set(big).size > 200, 'and is random, not zeros')
})

t.test('the bytes look uniform', async (t) => {
  const counts = new Array<number>(256).fill(0)
  for (let i = 0; i < 2_000; i++) for (const byte of randomBytes(32)) counts[byte] += 1
  // 64,000 bytes: 250 expected per value; a fair generator stays far inside these bounds.
  t.ok(Math.min(...counts) > 150 && Math.max(...counts) < 350, `byte counts ${Math.min(...counts)}..${Math.max(...counts)}`)
})
