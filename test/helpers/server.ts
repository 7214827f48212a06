import type { Test } from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { projectRoot } from '../../src/paths.js'

/**
 * How a test starts a TypeScript child (the server, the CLI, a script): through the test
 * processes' own loader (test/loader), whose transpiled files are cached on disk, rather than tsx,
 * which transpiles the app again in every child. A server child reached "listening" in about 1.6 s
 * this way against 2.8 s under tsx, and the suite starts some 40 of them. Worker threads inherit
 * it with the rest of the child's execArgv.
 */
export const TS_CHILD = ['--import', pathToFileURL(join(projectRoot, 'test', 'loader', 'register.mjs')).href]

/**
 * The environment of every TypeScript child a test starts (`node ...TS_CHILD ...`), minus its own
 * coverage: the children's code is measured in the test processes that import it, and a child
 * recording its own would add its start-up to the report's merge for nothing (children ran under
 * tsx once, whose different source maps for the same files made the merged report move from run
 * to run). tap's own processinfo reads this switch in the child.
 */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, _TAPJS_PROCESSINFO_COVERAGE_: '0' }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

export interface Started {
  child: ChildProcess
  port: number
  url: string
  output: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/**
 * Runs `src/server.ts` (through TS_CHILD) as the real server does, with only the given environment
 * (plus PATH, PORT and HOST), and waits for its "listening on" line or its exit. Killed in teardown.
 */
export async function startServer(t: Test | null, env: Record<string, string>, opts: { port?: number; preload?: string[] } = {}): Promise<Started> {
  const port = opts.port ?? (await freePort())
  // Preloaded modules (e.g. the load test's probe) get an IPC channel to talk to this process.
  const preload = (opts.preload ?? []).flatMap((p) => ['--import', p])
  const child = spawn(process.execPath, [...TS_CHILD, ...preload, 'src/server.ts'], {
    cwd: projectRoot,
    env: childEnv({ PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', ...env }),
    stdio: preload.length ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  t?.teardown(kill)
  // A test process ended by a timeout skips its teardowns: the server must not outlive it.
  process.once('exit', kill)
  void exited.then(() => process.off('exit', kill))
  await new Promise<void>((resolve) => {
    const check = () => {
      if (/listening on/.test(out) || child.exitCode !== null || child.signalCode !== null) return resolve()
      setTimeout(check, 25)
    }
    check()
  })
  return { child, port, url: `http://127.0.0.1:${port}`, output: () => out, exited }
}

export function httpGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
      .on('error', reject)
      .end()
  })
}

/**
 * Runs the CLI from its TypeScript source (`src/cli-main.ts <argv>` through TS_CHILD, as
 * `bin/dsr-portal.js` does with tsx without a build), so a stale dist/ never stands in for the code under
 * test; .ci/smoke-dist runs the built one. Resolves with its exit code and output.
 */
export function runCli(argv: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...TS_CHILD, join(projectRoot, 'src', 'cli-main.ts'), ...argv], {
      cwd: projectRoot,
      env: childEnv({ PATH: process.env.PATH ?? '', ...env }),
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (out += c.toString()))
    child.stdin.end(stdin)
    child.once('exit', (code) => resolve({ code, out }))
  })
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
