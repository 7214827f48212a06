/**
 * Preloaded into the server by `npm run loadtest` (node --import): measures the server's own
 * event-loop delay and memory from inside its process and answers the load test over IPC.
 * Nothing is added to the app itself (no public endpoint exposes internals).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'

if (process.send) {
  const histogram = monitorEventLoopDelay({ resolution: 10 })
  histogram.enable()
  process.on('message', (msg: unknown) => {
    if (msg === 'reset') histogram.reset()
    if (msg === 'sample') {
      const mem = process.memoryUsage()
      process.send!({
        rss: mem.rss,
        heapUsed: mem.heapUsed,
        loopDelay: { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6, mean: histogram.mean / 1e6 },
      })
    }
  })
  // The IPC channel must not keep a shutting-down server alive.
  process.channel?.unref()
}
