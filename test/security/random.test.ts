import t from 'tap'
import { secureRandomBytes } from '../../src/security/random.js'

t.test('pooled random bytes: each draw its own, of the size asked, across refills of the pool', async (t) => {
  const seen = new Set<string>()
  let zeroDraws = 0
  // 4 KB a pool: 2,000 draws of 12 to 32 bytes refill it several times.
  for (let i = 0; i < 2000; i++) {
    const size = 12 + (i % 21)
    const bytes = secureRandomBytes(size)
    if (bytes.length !== size) t.fail(`asked ${size}, got ${bytes.length}`)
    if (bytes.every((b) => b === 0)) zeroDraws++
    seen.add(bytes.toString('hex'))
  }
  t.equal(seen.size, 2000, 'no draw repeats another')
  t.equal(zeroDraws, 0, 'no draw is the cleared pool')
  const a = secureRandomBytes(12)
  a.fill(0)
  t.not(secureRandomBytes(12).toString('hex'), '0'.repeat(24), "a caller changing its bytes changes nobody else's")
  t.equal(secureRandomBytes(10_000).length, 10_000, 'larger than the pool: drawn on its own')
})

t.test('the bytes look uniform: every byte value turns up about equally often', async (t) => {
  const counts = new Array<number>(256).fill(0)
  for (let i = 0; i < 4000; i++) for (const b of secureRandomBytes(32)) counts[b]++
  // 128,000 bytes: 500 expected per value; a chi-square over 255 degrees of freedom stays far below 400.
  const chi = counts.reduce((sum, n) => sum + (n - 500) ** 2 / 500, 0)
  t.ok(chi < 400, `chi-square ${chi.toFixed(0)}`)
})
