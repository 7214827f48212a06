import type { CliCommand } from '../cli/context.js'
import { emailRenderer } from '../mail/render.js'
import { createEngine } from '../views/engine.js'
import { computeDueDate } from './due-date.js'
import { isValidDate } from './calendar-date.js'
import { runReminders } from './reminders.js'

export const deadlineCommands: CliCommand[] = [
  {
    name: 'reminders run',
    usage: "reminders run               Queue today's deadline reminders now (once a day; a second run sends nothing)",
    async run({ db, config, out, now }) {
      const result = await runReminders({ db, config, renderEmail: emailRenderer(createEngine(), { name: config.brandName, logo: config.brandLogo }), now: now() })
      out(result.ran ? `Reminders for ${result.period}: ${result.emails} email(s) queued covering ${result.cases} case(s). The server's outbox sends them.` : `Reminders for ${result.period} have already been sent; nothing to do.`)
      return 0
    },
  },
  {
    name: 'deadline',
    usage: 'deadline --received YYYY-MM-DD [--months 1|3]   Compute a statutory deadline',
    async run({ flags, out, err, config }) {
      const received = flags.received
      if (!received || !isValidDate(received)) {
        err('--received must be a date as YYYY-MM-DD')
        return 2
      }
      if (flags.months !== undefined && flags.months !== '1' && flags.months !== '3') {
        err('--months must be 1 or 3')
        return 2
      }
      const r = computeDueDate({ receivedDate: received, months: flags.months === '3' ? 3 : 1, eves: config.holidayEves })
      for (const s of r.skipped) out(`skipped ${s.date}: ${s.reason}${s.holiday ? ` (${s.holiday.en})` : ''}`)
      out(`due ${r.dueDate}`)
      return 0
    },
  },
]
