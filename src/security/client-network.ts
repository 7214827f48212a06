import { isIP } from 'node:net'

/**
 * What a per-IP limit counts: an IPv4 address, or an IPv6 client's /64. One IPv6 subscriber is
 * routinely given a whole /64 and can pick a fresh address for every request, so counting full
 * IPv6 addresses would give each person 2^64 allowances. IPv4-mapped IPv6 counts as its IPv4.
 */
export function clientNetwork(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip)
  if (mapped && isIP(mapped[1]) === 4) return mapped[1]
  if (isIP(ip) !== 6) return ip
  const bare = ip.split('%')[0].toLowerCase()
  const [head, tail = ''] = bare.split('::')
  const groups = (part: string) => (part === '' ? [] : part.split(':'))
  let left = groups(head)
  let right = groups(tail)
  // An embedded IPv4 tail (…:1.2.3.4) is two groups; only the first four groups matter here anyway.
  const width = (g: string[]) => g.reduce((n, x) => n + (x.includes('.') ? 2 : 1), 0)
  if (!bare.includes('::')) right = []
  const missing = 8 - width(left) - width(right)
  left = [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right]
  return left.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':') + '::/64'
}
