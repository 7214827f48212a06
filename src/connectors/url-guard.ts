/**
 * Connector URLs are typed by administrators, and the portal then connects to them from inside
 * the network: a URL pointing at a cloud's metadata service (169.254.169.254, fd00:ec2::254) or
 * any link-local address would hand its credentials to whoever can edit the map. Such addresses
 * are refused unless ALLOW_PRIVATE_CONNECTOR_URLS=true — when the URL is saved (an IP written in
 * it) and again at connect time (a host name's addresses, since DNS can change after saving).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { BlockList, isIP } from 'node:net'

const blocked = new BlockList()
blocked.addSubnet('169.254.0.0', 16, 'ipv4')
blocked.addSubnet('fe80::', 10, 'ipv6')
blocked.addAddress('fd00:ec2::254', 'ipv6')

/** Whether an IP address (v4, v6, or v4 mapped into v6) is link-local or a metadata address. */
export function isBlockedAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)
  if (mapped) return blocked.check(mapped[1], 'ipv4')
  const version = isIP(bare)
  return version === 0 ? false : blocked.check(bare, version === 4 ? 'ipv4' : 'ipv6')
}

/** The host of a URL when it is an IP address written out, else null (WHATWG URL normalises 0xA9.254.… and the like). */
export function literalHost(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, '')
  return isIP(host) ? host : null
}

/** Thrown when a connection would reach a refused address; names the host, never a credential. */
export class BlockedAddressError extends Error {
  readonly code = 'EBLOCKEDADDRESS'
  constructor(host: string) {
    super(`${host} resolves to a link-local or cloud metadata address; set ALLOW_PRIVATE_CONNECTOR_URLS=true to allow it`)
    this.name = 'BlockedAddressError'
  }
}

/** Resolves a host name to all its addresses (the system's resolver; tests give their own). */
export type Resolver = (hostname: string, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void
const systemResolver: Resolver = (hostname, callback) => dnsLookup(hostname, { all: true }, callback)

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/**
 * A `lookup` for http.request / net.connect that refuses blocked addresses after resolving, so the
 * address checked is the address connected to.
 */
export function guardedLookup(allowPrivate: boolean, resolver: Resolver = systemResolver) {
  return function lookup(hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void {
    resolver(hostname, (err, addresses) => {
      if (err) return callback(err, [])
      if (!allowPrivate && addresses.some((a) => isBlockedAddress(a.address))) return callback(new BlockedAddressError(hostname), [])
      if (options.all) return callback(null, addresses)
      const first = addresses[0]
      callback(null, first.address, first.family)
    })
  }
}

/** Resolves a host and refuses it when any of its addresses is blocked (for drivers that take no `lookup`, e.g. pg). */
export async function assertHostAllowed(hostname: string, allowPrivate: boolean, resolver: Resolver = systemResolver): Promise<void> {
  if (allowPrivate) return
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) => resolver(hostname.replace(/^\[|\]$/g, ''), (err, list) => (err ? reject(err) : resolve(list))))
  if (addresses.some((a) => isBlockedAddress(a.address))) throw new BlockedAddressError(hostname)
}
