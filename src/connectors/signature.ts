/**
 * The webhook signature, as Stripe signs its events: `X-DSR-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256 of "<t>.<body>" under the shared secret>`. The time in the signed text lets a
 * receiver refuse a replayed request; the docs (connecting-systems.md) show the check in ten lines.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'X-DSR-Signature'

export function sign(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000)
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`
}

/** Whether `header` signs `body` (the raw bytes as received) under `secret`, made within `toleranceSeconds` of now. */
export function verifySignature(secret: string, header: string | undefined, body: string | Buffer, toleranceSeconds = 300, now: Date = new Date()): boolean {
  if (!header) return false
  const parts = header.split(',').map((p) => p.trim().split('='))
  const t = parts.find(([k]) => k === 't')?.[1] ?? ''
  if (!/^\d{1,12}$/.test(t) || Math.abs(now.getTime() / 1000 - Number(t)) > toleranceSeconds) return false
  const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest()
  return parts.some(([k, v]) => k === 'v1' && /^[0-9a-f]{64}$/.test(v ?? '') && timingSafeEqual(Buffer.from(v, 'hex'), expected))
}
