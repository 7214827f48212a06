import type { FastifyBaseLogger } from 'fastify'
import type { Db, Executor } from '../db/connection.js'
import type { GroupCommit } from '../db/group-commit.js'
import { claimDue, markFailed, markRetry, markSent, renewLeases, type EmailCeiling } from './outbox-repository.js'
import type { OutboxRow } from '../db/schema.js'
import { unseal, type SealKey } from './seal.js'
import type { MailTransport } from './transport.js'

/** How long a claimed row is ours before another sender may take it over (a crash mid-send). */
export const DEFAULT_LEASE_MS = 60_000
const BATCH = 20
/** Emails in flight at once: enough to hide a send's round trips, few enough for any SMTP server. */
const SEND_AT_ONCE = 5
/** After a claim that found nothing to send, how long later wakes wait for the next one. */
const IDLE_WAKE_MS = 100
const BASE_DELAY_MS = 5_000
const MAX_DELAY_MS = 10 * 60_000
/** With 10-minute retries, about a day of an unreachable server before a row is given up. */
const MAX_ATTEMPTS = 150

/** An SMTP 5xx reply is final; everything else (4xx, network, timeouts) is worth another try. */
export function isPermanent(error: unknown): boolean {
  if ((error as { name?: unknown })?.name === 'SealError') return true
  const code = (error as { responseCode?: unknown })?.responseCode
  return typeof code === 'number' && code >= 500 && code < 600
}

/** Only the error's code and SMTP status go to the log and the row: the text may quote an address. */
export function describeError(error: unknown): string {
  const e = error as { code?: unknown; originalCode?: unknown; responseCode?: unknown; name?: unknown }
  const parts = [typeof e?.name === 'string' ? e.name : 'Error']
  if (typeof e?.code === 'string') parts.push(e.code)
  // Nodemailer wraps a network failure as ESOCKET and keeps the system's code (ECONNREFUSED...) here.
  if (typeof e?.originalCode === 'string' && /^[A-Z_]+$/.test(e.originalCode) && e.originalCode !== e.code) parts.push(e.originalCode)
  if (typeof e?.responseCode === 'number') parts.push(String(e.responseCode))
  return parts.join(' ')
}

export function retryDelay(attempts: number): number {
  return Math.min(BASE_DELAY_MS * 2 ** Math.max(0, attempts), MAX_DELAY_MS)
}

/**
 * Starts the lifetime of the link a sent confirmation email carries (src/intake/links.ts), on the
 * executor that marks the email sent. Injected, so mail imports no feature.
 */
export type LinkLifetime = (db: Executor, tokenHash: string, sentAt: Date) => Promise<void>

export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private again = false
  private stopped = true
  /** A claim runs shortly anyway (see loop): wakes until then need nothing more. */
  private resting = false

  constructor(
    private readonly db: Db,
    private readonly transport: MailTransport,
    private readonly opts: { from: string; pollMs: number; leaseMs?: number; now: () => Date; log: FastifyBaseLogger; seal?: SealKey; writes?: GroupCommit; ceiling?: EmailCeiling; startLinkLifetime: LinkLifetime },
  ) {}

  private get leaseMs(): number {
    return this.opts.leaseMs ?? DEFAULT_LEASE_MS
  }

  start(): void {
    this.stopped = false
    this.schedule(0)
  }

  /** Called after a commit that queued an email, so it leaves at once rather than at the next poll. */
  wake(): void {
    if (this.stopped || this.resting) return
    if (this.running) this.again = true
    else this.schedule(0)
  }

  /** Sends everything due now; resolves when nothing due is left. Used by tests and the CLI. */
  async drain(): Promise<void> {
    if (this.running) await this.running
    for (;;) {
      const sent = await this.runOnce()
      if (sent === 0) return
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.running) await this.running
    this.transport.close()
  }

  private schedule(ms: number): void {
    if (this.stopped) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      this.resting = false
      this.running = this.loop().finally(() => {
        this.running = null
      })
    }, ms)
    this.timer.unref()
  }

  private async loop(): Promise<void> {
    let next = this.opts.pollMs
    try {
      do {
        this.again = false
        let handled = 0
        while (!this.stopped && (handled = await this.runOnce()) === BATCH);
        // The last claim found nothing it could send (all held by the hourly ceiling, say): under a
        // burst, every submission's wake would run another claim, a write and a sync each, back to
        // back. The wakes that came meanwhile are answered by one claim a moment later instead.
        if (this.again && handled === 0) {
          next = IDLE_WAKE_MS
          this.resting = true
          break
        }
      } while (this.again && !this.stopped)
    } catch (error) {
      this.opts.log.error({ err: describeError(error) }, 'outbox run failed')
    }
    this.schedule(next)
  }

  /** The row as it is sent: sealed bodies opened (a body that cannot be opened fails the row for good). */
  private open(row: OutboxRow): OutboxRow {
    const { seal } = this.opts
    return { ...row, text_body: unseal(seal, row.text_body), html_body: row.html_body === null ? null : unseal(seal, row.html_body) }
  }

  /** One batch; returns how many rows it handled. */
  async runOnce(): Promise<number> {
    const rows = await claimDue(this.db, this.opts.now(), this.leaseMs, BATCH, this.opts.ceiling)
    if (rows.length === 0) return 0
    // A claim leases its rows until one moment; a quick batch sends them without writing again.
    let lease = rows[0].locked_until!
    let held = new Set(rows.map((r) => r.id))
    for (let i = 0; i < rows.length; i += SEND_AT_ONCE) {
      const now = this.opts.now()
      if (Date.parse(lease) - now.getTime() < this.leaseMs / 2) {
        // Slow sending: the rows still to send get a fresh lease, all in one write, where it is
        // still ours; a row another instance took over meanwhile is left to it.
        const renewed = await renewLeases(this.db, rows.slice(i).filter((r) => held.has(r.id)).map((r) => r.id), lease, now, this.leaseMs)
        lease = renewed.until
        held = renewed.ids
      }
      await Promise.all(
        rows.slice(i, i + SEND_AT_ONCE).map((row) => {
          if (held.has(row.id)) return this.deliver(row)
          this.opts.log.warn({ outboxId: row.id, kind: row.kind }, 'email lease ran out before sending; left to the instance that took it over')
          return undefined
        }),
      )
    }
    return rows.length
  }

  private async markSent(db: Executor, row: OutboxRow, at: Date): Promise<void> {
    await markSent(db, row.id, at)
    if (row.verify_token_hash) await this.opts.startLinkLifetime(db, row.verify_token_hash, at)
  }

  /** Sends one row and marks it sent at once, so a crash can resend only the few in flight (same Message-ID). */
  private async deliver(row: OutboxRow): Promise<void> {
    try {
      await this.transport.send(this.open(row), this.opts.from)
      const at = this.opts.now()
      // The mark shares its commit with whatever else is being written (group commit).
      if (this.opts.writes) await this.opts.writes.run((trx) => this.markSent(trx, row, at))
      else await this.markSent(this.db, row, at)
      this.opts.log.info({ outboxId: row.id, kind: row.kind }, 'email sent')
    } catch (error) {
      const reason = describeError(error)
      if (isPermanent(error) || row.attempts + 1 >= MAX_ATTEMPTS) {
        await markFailed(this.db, row.id, reason)
        this.opts.log.error({ outboxId: row.id, kind: row.kind, reason }, 'email failed permanently')
      } else {
        const next = new Date(this.opts.now().getTime() + retryDelay(row.attempts))
        await markRetry(this.db, row.id, next, reason)
        this.opts.log.warn({ outboxId: row.id, kind: row.kind, reason, attempts: row.attempts + 1 }, 'email send failed, will retry')
      }
    }
  }
}
