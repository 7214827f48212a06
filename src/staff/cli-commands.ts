import { appendAudit } from '../audit/log.js'
import type { CliCommand, CliContext } from '../cli/context.js'
import { t } from '../i18n/index.js'
import { CLI } from './actor.js'
import { isStaffError, type DomainError } from './errors.js'
import { isRole } from './roles.js'
import { createStaffServices, type StaffServices } from './service.js'

/**
 * Staff accounts and API tokens from the server's command line. Passwords are read from
 * standard input (first line), never from flags, so they stay out of shell history and `ps`.
 * Every command writes an audit entry with actor type 'cli'.
 */

function services(ctx: CliContext): StaffServices {
  return createStaffServices({ db: ctx.db, config: ctx.config, now: ctx.now })
}

function errorText(error: DomainError): string {
  return t('en', error.key, error.params)
}

/** Runs a command body, turning staff errors into a message and exit code 1. */
async function guarded(ctx: CliContext, body: () => Promise<number>): Promise<number> {
  try {
    return await body()
  } catch (error) {
    if (isStaffError(error)) {
      ctx.err(`Error: ${errorText(error)}`)
      return 1
    }
    throw error
  }
}

function need(ctx: CliContext, ...names: string[]): boolean {
  const missing = names.filter((n) => !ctx.flags[n] || ctx.flags[n] === 'true')
  if (missing.length) ctx.err(`Missing ${missing.map((n) => '--' + n).join(', ')}.`)
  return missing.length === 0
}

async function passwordFromStdin(ctx: CliContext): Promise<string | null> {
  const line = (await ctx.readStdin()).split('\n')[0].replace(/\r$/, '')
  if (line === '') {
    ctx.err('Give the password on standard input, e.g. with: read -rs PW && printf "%s\\n" "$PW" | dsr-portal …')
    return null
  }
  return line
}

async function memberId(ctx: CliContext, s: StaffServices): Promise<number | null> {
  const staff = await s.accounts.findByEmail(ctx.flags.email)
  if (!staff) {
    ctx.err(`Error: ${t('en', 'staff.errors.not_found')}`)
    return null
  }
  return staff.id
}

/**
 * The run of a command on one existing member named by --email: the flag, the lookup and the
 * error handling are the same for each, so a command gives only what it does with the member.
 */
function onMember(body: (ctx: CliContext, s: StaffServices, id: number) => Promise<number>): CliCommand['run'] {
  return async (ctx) => {
    if (!need(ctx, 'email')) return 2
    const s = services(ctx)
    const id = await memberId(ctx, s)
    if (id === null) return 1
    return guarded(ctx, () => body(ctx, s, id))
  }
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)))
  return rows.map((r) => r.map((cell, i) => cell + ' '.repeat(widths[i] - [...cell].length)).join('  ').trimEnd())
}

export const staffCommands: CliCommand[] = [
  {
    name: 'staff add',
    usage: 'staff add --email E --name N --role admin|handler|viewer   Add a staff member (password on stdin)',
    async run(ctx) {
      if (!need(ctx, 'email', 'name', 'role')) return 2
      if (!isRole(ctx.flags.role)) {
        ctx.err(`Error: ${t('en', 'staff.errors.invalid_role')}`)
        return 2
      }
      const password = await passwordFromStdin(ctx)
      if (password === null) return 1
      return guarded(ctx, async () => {
        const id = await services(ctx).accounts.create({ email: ctx.flags.email, name: ctx.flags.name, role: ctx.flags.role, password }, CLI)
        ctx.out(`Added staff member #${id} (${ctx.flags.role}).`)
        return 0
      })
    },
  },
  {
    name: 'staff passwd',
    usage: 'staff passwd --email E                 Set a new password (on stdin); ends their sessions',
    run: onMember(async (ctx, s, id) => {
      const password = await passwordFromStdin(ctx)
      if (password === null) return 1
      await s.accounts.setPassword(id, password, CLI)
      ctx.out(`Password changed for staff member #${id}; their sessions have ended.`)
      return 0
    }),
  },
  {
    name: 'staff disable',
    usage: 'staff disable --email E                Disable a staff member, end their sessions, revoke their API tokens',
    run: onMember(async (ctx, s, id) => {
      const r = await s.accounts.disable(id, CLI)
      ctx.out(`Disabled staff member #${id}: ${r.sessionsEnded} session(s) ended, ${r.tokensRevoked} API token(s) revoked.`)
      return 0
    }),
  },
  {
    name: 'staff reset-mfa',
    usage: 'staff reset-mfa --email E              Turn off a member\'s lost second factor so they can enrol again',
    run: onMember(async (ctx, s, id) => {
      await s.mfa.reset(id, CLI)
      ctx.out(`Two-step verification turned off for staff member #${id}.`)
      return 0
    }),
  },
  {
    name: 'staff list',
    usage: 'staff list                             List staff members',
    async run(ctx) {
      const list = await services(ctx).accounts.list()
      await appendAudit(ctx.db, { actorType: 'cli', actorId: null, action: 'staff.list', data: { count: list.length }, at: ctx.now() })
      if (list.length === 0) {
        ctx.out('No staff members yet.')
        return 0
      }
      const rows = [['EMAIL', 'NAME', 'ROLE', 'STATUS', 'MFA'], ...list.map((m) => [m.email, m.name, m.role, m.disabled ? 'disabled' : 'active', m.mfa ? 'on' : 'off'])]
      for (const line of table(rows)) ctx.out(line)
      return 0
    },
  },
  {
    name: 'token create',
    usage: 'token create --email E [--name N]      Create an API token acting as that member (printed once, last line)',
    run: onMember(async (ctx, s, id) => {
      const name = ctx.flags.name && ctx.flags.name !== 'true' ? ctx.flags.name : null
      const token = await s.accounts.createApiToken(id, name, CLI)
      ctx.out(`API token for staff member #${id}; it is shown only now, keep it secret (send it as "Authorization: Bearer <token>"):`)
      ctx.out(token)
      return 0
    }),
  },
  {
    name: 'token revoke',
    usage: 'token revoke --email E                 Revoke all API tokens of a staff member',
    run: onMember(async (ctx, s, id) => {
      const n = await s.accounts.revokeApiTokens(id, CLI)
      ctx.out(`Revoked ${n} API token(s) of staff member #${id}.`)
      return 0
    }),
  },
]
