import autocannon from 'autocannon'

export interface LoadResult {
  label: string
  reqPerSec: number
  p50: number
  p99: number
  non2xx: number
  errors: number
  total: number
}

export interface LoadOptions {
  url: string
  label: string
  seconds?: number
  amount?: number
  connections?: number
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  /** Called per request: returns the body, so each can differ (unique addresses). */
  body?: () => string
  /** Called per request: extra headers for it (a client address behind the proxy). */
  perRequestHeaders?: () => Record<string, string>
  /** Called per request: the whole request (a mixed load of several routes). */
  requestFor?: () => { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string }
}

export async function load(opts: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections ?? 10,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.seconds ?? 10 }),
    method: opts.method ?? 'GET',
    headers: opts.headers,
    requests: opts.requestFor
      ? [{ setupRequest: (req) => { const r = opts.requestFor!(); return { ...req, method: r.method, path: r.path, headers: { ...req.headers, ...r.headers }, body: r.body } } }]
      : opts.body || opts.perRequestHeaders
        ? [
            {
              setupRequest: (req) => ({
                ...req,
                ...(opts.body ? { body: opts.body() } : {}),
                ...(opts.perRequestHeaders ? { headers: { ...req.headers, ...opts.perRequestHeaders() } } : {}),
              }),
            },
          ]
        : undefined,
  })
  return {
    label: opts.label,
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: result.requests.total,
  }
}

export function formatLoad(r: LoadResult, baseline?: LoadResult): string {
  const ratio = baseline ? `  ${((100 * r.reqPerSec) / baseline.reqPerSec).toFixed(0)}% of ${baseline.label}` : ''
  return `${r.label.padEnd(44)} ${r.reqPerSec.toFixed(0).padStart(7)} req/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms  non-2xx ${r.non2xx}  errors ${r.errors}${ratio}`
}
