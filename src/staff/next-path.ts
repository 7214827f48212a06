/**
 * Where to go after signing in: only a local path under /staff (never another host, never
 * the login or logout pages themselves); anything else falls back to /staff.
 */
export function safeNextPath(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 500) return '/staff'
  // "//host", "/\host" and control characters are how open redirects slip through.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (!raw.startsWith('/') || raw.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(raw)) return '/staff'
  let url: URL
  try {
    url = new URL(raw, 'http://local.invalid')
  } catch {
    return '/staff'
  }
  if (url.origin !== 'http://local.invalid') return '/staff'
  const path = url.pathname
  if (path !== '/staff' && !path.startsWith('/staff/')) return '/staff'
  if (path.startsWith('/staff/login') || path === '/staff/logout' || path.startsWith('/staff/setup')) return '/staff'
  return path + url.search
}
