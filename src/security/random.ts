import { randomFillSync } from 'node:crypto'

/**
 * Random bytes from the operating system's CSPRNG (as randomBytes), taken from a pool filled
 * 4 KB at a time. A submission needs three small draws (its token, the outbox row's Message-ID,
 * the seal's IV), and each randomBytes call cost some 10 µs of fixed overhead in Node and
 * OpenSSL, whatever its size: about 7% of the server's CPU under a burst of submissions. The
 * bytes are the same CSPRNG's, each handed out once and then cleared from the pool (Node's own
 * crypto.randomUUID keeps such a cache).
 */
const POOL_SIZE = 4096
const pool = Buffer.alloc(POOL_SIZE)
let offset = POOL_SIZE

/** `size` random bytes in a Buffer of their own. */
export function secureRandomBytes(size: number): Buffer {
  if (size > POOL_SIZE) return randomFillSync(Buffer.alloc(size))
  if (offset + size > POOL_SIZE) {
    randomFillSync(pool)
    offset = 0
  }
  const out = Buffer.from(pool.subarray(offset, offset + size))
  pool.fill(0, offset, offset + size)
  offset += size
  return out
}
