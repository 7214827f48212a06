import { createHmac, randomBytes } from 'node:crypto'
import { clientNetwork } from '../security/client-network.js'
import type { Executor } from '../db/connection.js'
import { clearEvents, countRecent, recentEventStats, recordEvent } from '../security/rate-limit.js'
import { keyedHash, safeEqual } from '../security/tokens.js'

/**
 * Login throttling that slows guessing without letting anyone lock a staff member out.
 *
 * Everything is counted in `rate_events` (so restarts and a second instance do not reset it),
 * under keyed hashes: no email address or IP is stored. The account key is the typed email's
 * key, so an unknown address is throttled exactly like a known one (no enumeration). Every
 * check runs before the password is verified, and a refused attempt never says whether the
 * password was right.
 *
 * A "source" is trusted for an account when it holds that account's device cookie (an HMAC-signed
 * `dsr_staff_device` cookie set at each successful login — an attacker cannot forge it), or when
 * its IP completed a login for the account within the last 24 hours (rate events are kept a day).
 *
 * 1. Per account and IP (backoff): after 5 failures for an account from one IP within 24 hours,
 *    that IP must wait 1, 2, 4 … (at most 60) minutes after its last failure before it may try
 *    that account again. Only that IP is slowed; a success clears its count.
 * 2. Per IP (spraying): an IP with 30 failures in 15 minutes, over all accounts, is refused for
 *    every account it is not trusted for, until its failures fall out of the window
 *    (refused attempts count too, so a sprayer that keeps going stays stopped).
 * 3. Per account (distributed guessing): once an account has 10 failures in 15 minutes from
 *    anywhere, sources not trusted for it get at most one attempt a minute across the account
 *    ("try again in a minute").
 *
 * A trusted device skips all three; a trusted IP skips 2 and 3. So an attacker hammering one
 * account from other IPs, or spraying from one IP, never stops the real person signing in from
 * their usual browser or address: the worst they can do to a person on a brand-new device and
 * address is make them wait a minute. There is no permanent lock and no CAPTCHA.
 */
const MINUTE = 60_000
const WINDOW = 15 * MINUTE
const DAY = 24 * 60 * MINUTE

export const THROTTLE = {
  pairFreeFailures: 5,
  pairMaxWaitMinutes: 60,
  ipFailuresPerWindow: 30,
  accountFailuresPerWindow: 10,
  windowMs: WINDOW,
} as const

const B = { failIp: 'staff_fail_ip', failAccount: 'staff_fail_acct', failPair: 'staff_fail_pair', okPair: 'staff_login_ok' } as const

export const DEVICE_COOKIE = 'dsr_staff_device'

export interface Attempt {
  /** emailKey() of what was typed. */
  emailKey: string
  ip: string
  /** The account's id when the address is known and its device cookie matched it. */
  knownDevice: boolean
}

export type ThrottleVerdict = { ok: true } | { ok: false; waitMinutes: number }

export class LoginThrottle {
  constructor(private readonly secret: string) {}

  private keys(a: Attempt) {
    return {
      ip: keyedHash(this.secret, 'staff-ip:' + clientNetwork(a.ip)),
      account: keyedHash(this.secret, 'staff-account:' + a.emailKey),
      pair: keyedHash(this.secret, 'staff-pair:' + a.emailKey + '\n' + clientNetwork(a.ip)),
    }
  }

  async check(db: Executor, a: Attempt, now: Date): Promise<ThrottleVerdict> {
    if (a.knownDevice) return { ok: true }
    const k = this.keys(a)
    const t = now.getTime()
    const iso = (ms: number) => new Date(ms).toISOString()

    // 1. Backoff per account and IP.
    const pairFailures = await recentEventStats(db, B.failPair, k.pair, iso(t - DAY))
    const n = pairFailures.n
    if (n >= THROTTLE.pairFreeFailures && pairFailures.last) {
      const waitMs = Math.min(2 ** (n - THROTTLE.pairFreeFailures), THROTTLE.pairMaxWaitMinutes) * MINUTE
      const remaining = new Date(pairFailures.last).getTime() + waitMs - t
      if (remaining > 0) return { ok: false, waitMinutes: Math.ceil(remaining / MINUTE) }
    }

    const trustedIp = (await countRecent(db, B.okPair, k.pair, iso(t - DAY))) > 0
    if (trustedIp) return { ok: true }

    // 2. One IP spraying many accounts.
    if ((await countRecent(db, B.failIp, k.ip, iso(t - WINDOW))) >= THROTTLE.ipFailuresPerWindow) {
      await recordEvent(db, B.failIp, k.ip, now.toISOString())
      return { ok: false, waitMinutes: 15 }
    }

    // 3. One account guessed at from many places: new sources get one try a minute.
    if (
      (await countRecent(db, B.failAccount, k.account, iso(t - WINDOW))) >= THROTTLE.accountFailuresPerWindow &&
      (await countRecent(db, B.failAccount, k.account, iso(t - MINUTE))) > 0
    ) {
      return { ok: false, waitMinutes: 1 }
    }
    return { ok: true }
  }

  async recordFailure(db: Executor, a: Attempt, now: Date): Promise<void> {
    const k = this.keys(a)
    const at = now.toISOString()
    await recordEvent(db, B.failIp, k.ip, at)
    await recordEvent(db, B.failAccount, k.account, at)
    await recordEvent(db, B.failPair, k.pair, at)
  }

  /** A completed login (after the second factor when there is one): the IP becomes trusted, its backoff ends. */
  async recordSuccess(db: Executor, a: Attempt, now: Date): Promise<void> {
    const k = this.keys(a)
    await clearEvents(db, B.failPair, k.pair)
    await recordEvent(db, B.okPair, k.pair, now.toISOString())
  }

  /** The device cookie's value: staff id, a nonce and their HMAC. Holds nothing personal. */
  deviceCookie(staffId: number): string {
    const nonce = randomBytes(12).toString('base64url')
    return `${staffId}.${nonce}.${this.deviceMac(staffId, nonce)}`
  }

  isKnownDevice(cookie: string | undefined, staffId: number | null): boolean {
    if (!cookie || staffId === null) return false
    const [id, nonce, mac] = cookie.split('.')
    if (!id || !nonce || !mac || Number(id) !== staffId) return false
    return safeEqual(this.deviceMac(staffId, nonce), mac)
  }

  private deviceMac(staffId: number, nonce: string): string {
    return createHmac('sha256', this.secret).update(`staff-device:${staffId}:${nonce}`).digest('base64url')
  }
}
