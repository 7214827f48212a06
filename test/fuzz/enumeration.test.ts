import type { LightMyRequestResponse } from 'fastify'
import type { Test as Tap } from 'tap'
import argon2 from 'argon2'
import t from 'tap'
import { buildTestApp, csrfFrom, form, Jar, PUBLIC_URL } from '../helpers/app.js'
import { openCase } from '../helpers/cases.js'
import { linkIn } from '../helpers/smtp.js'
import { createStaff } from '../helpers/staff.js'

t.setTimeout(300_000)

const URLENC = { 'content-type': 'application/x-www-form-urlencoded' }

/** The response with per-request randomness (CSRF tokens, cookie values) taken out. */
function shape(res: LightMyRequestResponse, typed: string) {
  return {
    status: res.statusCode,
    // The form shows the typed address back; that is the attacker's own input.
    body: res.body.replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf" value="*"').split(typed).join('<typed address>'),
    cookies: (res.cookies as Array<Record<string, unknown>>).map((c) => ({ ...c, value: '*' })),
    location: res.headers.location ?? null,
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

/** P(X ≥ k) for X ~ Binomial(n, 1/2). */
function binomialTail(n: number, k: number): number {
  let term = 0.5 ** n
  let tail = 0
  for (let i = 0; i <= n; i++) {
    if (i >= k) tail += term
    term = (term * (n - i)) / (i + 1)
  }
  return tail
}

/** A difference an attacker could use: one side slower by more than this, in most pairs. */
const MARGIN_MS = 5
/** The chance of failing when there is no such difference, however busy the machine. */
const ALPHA = 1e-4

/** How many pairs have one side slower by more than MARGIN_MS, and how unlikely that many is without such a difference. */
function signTest(diffs: number[]) {
  const n = diffs.length
  const knownSlower = diffs.filter((d) => d > MARGIN_MS).length
  const knownFaster = diffs.filter((d) => d < -MARGIN_MS).length
  return { n, knownSlower, knownFaster, p: Math.min(binomialTail(n, knownSlower), binomialTail(n, knownFaster)) }
}

t.test('the timing check: a real difference fails it, noise of any size does not', async (t) => {
  let seed = 1
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  // A busy machine: each pair shares a load spike of up to 500 ms, plus independent jitter of ±30 ms.
  const noisy = (shift: number) => Array.from({ length: 30 }, () => { const spike = rand() * 500; return spike + shift + (rand() - 0.5) * 60 - (spike + (rand() - 0.5) * 60) })
  t.ok(signTest(noisy(0)).p >= ALPHA, 'no difference, much noise: passes')
  t.ok(signTest(noisy(4)).p >= ALPHA, 'a difference under the margin: passes')
  t.ok(signTest(Array.from({ length: 30 }, () => 20 + rand() * 5)).p < ALPHA, 'known always 20 ms slower: fails')
  t.ok(signTest(Array.from({ length: 30 }, () => -(8 + rand() * 4))).p < ALPHA, 'known always 8 ms faster: fails')
  t.ok(binomialTail(30, 0) === 1 && Math.abs(binomialTail(30, 30) - 0.5 ** 30) < 1e-15)
})

/**
 * Runs `attempt` for known and unknown addresses in pairs (interleaved, order alternating, so
 * load on the machine hits both alike) and compares what an attacker can see: status, body,
 * cookies, and time. Time is judged statistically, not by a wall-clock threshold: if the known
 * side is at most MARGIN_MS slower (or faster), it exceeds the other by more than MARGIN_MS in at
 * most half the pairs, whatever the noise; a sign test fails only when far more pairs than that
 * do (p < ALPHA). A machine busy with other work adds noise to both sides of a pair, so it can
 * only make the test pass more easily, never fail it.
 */
async function compare(t: Tap, label: string, samples: number, attempt: (known: boolean, i: number) => Promise<[LightMyRequestResponse, string]>) {
  const first: Record<string, ReturnType<typeof shape>> = {}
  let i = 0
  const diffs: number[] = []
  const times: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] }
  // Two warm-up pairs: the first calls compile templates and hashers.
  for (let j = -2; j < samples; j++) {
    const pair: Record<string, number> = {}
    for (const known of j % 2 === 0 ? [true, false] : [false, true]) {
      const start = process.hrtime.bigint()
      const [res, typed] = await attempt(known, i++)
      const k = known ? 'known' : 'unknown'
      pair[k] = Number(process.hrtime.bigint() - start) / 1e6
      const s = shape(res, typed)
      if (!first[k]) first[k] = s
      else if (JSON.stringify(s) !== JSON.stringify(first[k])) t.same(s, first[k], `${label}: ${k} answers stay the same`)
    }
    if (j < 0) continue
    times.known.push(pair.known)
    times.unknown.push(pair.unknown)
    diffs.push(pair.known - pair.unknown)
  }
  t.same(first.known, first.unknown, `${label}: same status, body and cookies for known and unknown addresses`)
  const { n, knownSlower, knownFaster, p } = signTest(diffs)
  const [mk, mu] = [median(times.known), median(times.unknown)]
  t.ok(
    p >= ALPHA,
    `${label}: no side slower by more than ${MARGIN_MS} ms in most pairs (known slower in ${knownSlower}/${n}, faster in ${knownFaster}/${n}, p = ${p.toPrecision(2)}; medians known ${mk.toFixed(1)} ms, unknown ${mu.toFixed(1)} ms)`,
  )
  return { known: mk, unknown: mu, answers: first }
}

t.test('no enumeration: known and unknown addresses look the same', async (t) => {
  const h = await buildTestApp(t, { env: { LIMIT_IP_PER_HOUR: '100000', LIMIT_ADDRESS_PER_HOUR: '100000' } })
  const { app, clock } = h
  const known = await createStaff(app, { role: 'handler', email: 'known.staff@xtractor.se' })
  const disabled = await createStaff(app, { role: 'handler', email: 'disabled.staff@xtractor.se' })
  await app.db.updateTable('staff').set({ disabled: 1 }).where('id', '=', disabled.id).execute()
  // A disabled account whose stored hash was made with other Argon2 parameters (the argon2
  // package's defaults, as scripts/seed.ts once used; or any account made before the parameters
  // changed): checking that hash took about six times as long as the dummy an unknown address gets.
  const oldHash = await createStaff(app, { role: 'handler', email: 'old.hash.staff@xtractor.se' })
  const otherParams = { type: argon2.argon2id, memoryCost: 65536, timeCost: 3, parallelism: 4 } as const
  await app.db.updateTable('staff').set({ disabled: 1, password_hash: await argon2.hash(oldHash.password, otherParams) }).where('id', '=', oldHash.id).execute()
  const requester = await openCase(h, { email: 'known.requester@example.se' })
  const samples = Number(process.env.ENUM_SAMPLES ?? 30)

  // Staff sign-in: a wrong password for a real account against an address nobody has.
  const loginPage = await app.inject({ url: '/staff/login' })
  const jar = new Jar()
  jar.store(loginPage)
  const csrf = csrfFrom(loginPage.body)
  const login = async (email: string, password: string, net: number, i: number): Promise<[LightMyRequestResponse, string]> => {
    // A new client address each time (its own /16 per comparison), and time moving on, so the
    // throttle never steps in for either side.
    clock.advance(3 * 60_000)
    const remoteAddress = `10.${net}.${(i >> 8) & 255}.${i & 255}`
    return [await app.inject({ method: 'POST', url: '/staff/login', headers: { ...URLENC, cookie: jar.header }, remoteAddress, payload: form({ _csrf: csrf, email, password }) }), email]
  }
  const wrong = 'not the password at all'
  const staffTimes = await compare(t, 'staff sign-in', samples, (k, i) => login(k ? known.email : 'nobody.here@xtractor.se', wrong, 1, i))
  // Disabled accounts with their right password (typed for the unknown address too), so only
  // the account being disabled makes the answer "no".
  const off = await compare(t, 'staff sign-in (disabled account)', samples, (k, i) => login(k ? disabled.email : 'nobody.else@xtractor.se', disabled.password, 2, i))
  const offOld = await compare(t, 'staff sign-in (disabled account, hash from other Argon2 parameters)', samples, (k, i) =>
    login(k ? oldHash.email : 'nobody.at.all@xtractor.se', oldHash.password, 3, i),
  )
  // Across the comparisons (the typed address aside): one answer for all.
  t.same(off.answers.known, staffTimes.answers.known, 'a disabled account and a wrong password get the same status, body and cookies')
  t.same(offOld.answers.known, staffTimes.answers.known, 'a disabled account with an old hash too')
  t.same(off.answers.unknown, staffTimes.answers.known, 'an unknown address and a wrong password get the same status, body and cookies')

  // Requests from the public: an address with a case, and one never seen.
  const formPage = await app.inject({ url: '/request/access' })
  const fjar = new Jar()
  fjar.store(formPage)
  const fcsrf = csrfFrom(formPage.body)
  await compare(t, 'request form', samples, async (k, i) => {
    const email = k ? requester.email : `never.seen.${i}@example.se`
    return [await app.inject({ method: 'POST', url: '/request/access', headers: { ...URLENC, cookie: fjar.header }, payload: form({ _csrf: fcsrf, email, name: 'Same Name' }) }), email]
  })
  await compare(t, 'request API', samples, async (k, i) => {
    const email = k ? requester.email : `never.seen.api.${i}@example.se`
    return [await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'erasure', email } }), email]
  })
  t.comment(`staff sign-in medians: known ${staffTimes.known.toFixed(1)} ms, unknown ${staffTimes.unknown.toFixed(1)} ms`)
})

t.test('one verification link used by 20 requests at once confirms exactly once', async (t) => {
  const h = await buildTestApp(t, { env: { LIMIT_IP_PER_HOUR: '100000' } })
  const { app, smtp } = h
  for (const round of [1, 2, 3]) {
    const email = `race${round}@example.se`
    await app.inject({ method: 'POST', url: '/api/v1/requests', payload: { type: 'access', email, name: 'Race Person' } })
    await h.flushMail()
    const token = linkIn(smtp.to(email)[0].parsed.text, `${PUBLIC_URL}/verify/`).split('/').pop()!
    const page = await app.inject({ url: `/verify/${token}` })
    const jar = new Jar()
    jar.store(page)
    const csrf = csrfFrom(page.body)
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? app.inject({ method: 'POST', url: `/verify/${token}`, headers: { ...URLENC, cookie: jar.header }, payload: form({ _csrf: csrf }) })
          : app.inject({ method: 'POST', url: '/api/v1/verify', payload: { token } }),
      ),
    )
    const wins = results.filter((r) => r.statusCode === 303 || r.statusCode === 200)
    t.equal(wins.length, 1, `round ${round}: exactly one confirmation`)
    t.same([...new Set(results.filter((r) => !wins.includes(r)).map((r) => r.statusCode))], [410], 'the others hear the link was used')
    const cases = await app.db.selectFrom('cases').select(['id']).where('email', '=', email).execute()
    t.equal(cases.length, 1, 'one case')
    await h.flushMail()
    t.equal(smtp.to(email).length, 2, 'one verification and one receipt email')
  }
})
