/**
 * The connectors' public module: `connectorFor` gives the task engine a ConnectorLookup — the
 * Connector of a `sql` or `webhook` system, built from its config with the secrets opened, or
 * null for the kinds the engine carries out itself (register, email, manual, other).
 */
import { realpathSync } from 'node:fs'
import { isAbsolute, relative } from 'node:path'
import type { Db, Executor } from '../db/connection.js'
import { systemConfig, type ConnectionSettings } from '../datamap/service.js'
import { isPostgresUrl, sqlitePath } from '../datamap/validate-config.js'
import type { ConnectionCheck, ConnectorLookup } from './contract.js'
import { sqlConnector } from './sql.js'
import { webhookConnector } from './webhook.js'

export type { Connector, ConnectorLookup } from './contract.js'
export { verifySignature } from './signature.js'

export interface ConnectorSettings extends ConnectionSettings {
  /** TASK_RESULT_MAX_BYTES. */
  taskResultMaxBytes: number
}

/** A SQLite file under DATA_DIR, checked again here with symbolic links followed: a link may point out of it. */
function sqliteFile(path: string, dataDir: string): string {
  const file = sqlitePath(path, dataDir)
  const fail = () => new Error('the SQLite file must lie under DATA_DIR')
  if (file === null) throw fail()
  let real: string
  try {
    real = realpathSync(file)
  } catch {
    throw new Error('the SQLite file does not exist')
  }
  const inside = relative(realpathSync(dataDir), real)
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) throw fail()
  return real
}

export function connectorFor(deps: { db: Db | Executor; settings: ConnectorSettings }): ConnectorLookup {
  const { db, settings } = deps
  return async (systemKey) => {
    const config = await systemConfig(db, systemKey, settings)
    if (config?.kind === 'sql') {
      const file = isPostgresUrl(config.url) ? null : sqliteFile(config.url, settings.dataDir)
      return sqlConnector({ url: config.url, tables: config.tables, sqliteFile: file, allowPrivate: settings.allowPrivateConnectorUrls })
    }
    if (config?.kind === 'webhook') return webhookConnector({ url: config.url, secret: config.secret, allowPrivate: settings.allowPrivateConnectorUrls, maxBytes: settings.taskResultMaxBytes })
    return null
  }
}

/**
 * "Test connection" for a system: each table and column (sql), or that the endpoint answers
 * (webhook). A system that cannot be reached is one failed check naming why; null for kinds
 * with nothing to connect to.
 */
export async function testConnection(deps: { db: Db | Executor; settings: ConnectorSettings }, systemKey: string): Promise<{ ok: boolean; checks: ConnectionCheck[] } | null> {
  let checks: ConnectionCheck[]
  const secrets: string[] = []
  try {
    const config = await systemConfig(deps.db, systemKey, deps.settings)
    if (config?.kind === 'webhook') secrets.push(config.secret)
    if (config?.kind === 'sql' && isPostgresUrl(config.url)) secrets.push(new URL(config.url).password, decodeURIComponent(new URL(config.url).password))
    const connector = await connectorFor(deps)(systemKey)
    if (!connector) return null
    checks = await connector.test()
  } catch (error) {
    let message = error instanceof Error ? error.message : String(error)
    // Drivers' messages name hosts and users, not passwords; a secret that turns up anyway is cut out.
    for (const s of secrets) if (s) message = message.split(s).join('***')
    checks = [{ table: '', ok: false, message: `cannot connect: ${message}` }]
  }
  return { ok: checks.length > 0 && checks.every((c) => c.ok), checks }
}
