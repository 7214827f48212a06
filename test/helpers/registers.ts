import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { buildTestApp, csrfFrom, Jar } from './app.js'
import { multipart } from './multipart.js'
import { createStaff, loginAs } from './staff.js'

/** A test app with its own DATA_DIR (for CV files) and a signed-in administrator. */
export async function setup(t: Test, env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dsr-reg-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const ctx = await buildTestApp(t, { env: { DATA_DIR: dataDir, ...env } })
  const admin = await createStaff(ctx.app, { role: 'admin' })
  const jar = new Jar()
  await loginAs(ctx.app, jar, admin)
  return { ...ctx, dataDir, jar, admin }
}

/** POSTs a multipart form from the registers page (with its CSRF field), optionally with a file. */
export async function upload(ctx: Awaited<ReturnType<typeof setup>>, url: string, fields: Record<string, string>, file?: { filename: string; contentType: string; data: Buffer }) {
  const page = await ctx.app.inject({ url: '/staff/registers', headers: { cookie: ctx.jar.header } })
  const body = multipart({ _csrf: csrfFrom(page.body), ...fields }, file ? { name: 'file', ...file } : undefined)
  return ctx.app.inject({ method: 'POST', url, headers: { cookie: ctx.jar.header, 'content-type': body.contentType }, payload: body.payload })
}

