import { randomFillSync } from 'node:crypto'

/**
 * randomBytes for the many small values a submission needs (its token, the email's Message-ID,
 * the outbox seal's IVs): each call to the system's generator costs more than the bytes, so they
 * are drawn 4 KiB at a time. Same generator; every byte is handed out once, and a fresh pool is
 * allocated each time, so no value ever shares memory with one handed out later.
 */
const POOL_SIZE = 4096
let pool = Buffer.alloc(0)
let offset = 0

export function randomBytes(size: number): Buffer {
  if (size > POOL_SIZE / 8) return randomFillSync(Buffer.allocUnsafe(size))
  if (offset + size > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_SIZE))
    offset = 0
  }
  const bytes = pool.subarray(offset, offset + size)
  offset += size
  return bytes
}
