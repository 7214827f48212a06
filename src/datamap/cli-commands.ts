import type { CliCommand } from '../cli/context.js'
import { readinessText } from './page-data.js'
import type { ReadinessItem } from './readiness.js'
import { appendAudit } from '../audit/log.js'
import { DataMap, resealSecrets } from './service.js'

const line = (item: ReadinessItem) => `  - ${readinessText('en', item)} [${item.kind} ${item.key}]`

export const dataMapCommands: CliCommand[] = [
  {
    name: 'doctor',
    usage: 'doctor [--json]             List what keeps the data map from being published; exit 1 while anything does',
    async run({ db, flags, out, now }) {
      const r = await new DataMap({ db, now }).readiness()
      if (flags.json) {
        const item = (i: ReadinessItem) => ({ code: i.code, kind: i.kind, key: i.key, message: readinessText('en', i) })
        out(JSON.stringify({ ready: r.ready, problems: r.problems.map(item), advice: r.advice.map(item) }, null, 2))
      } else {
        if (r.ready) out('Ready to publish: every purpose has a decided legal basis and every system an owner team.')
        else out(`Not ready to publish (${r.problems.length}):`)
        for (const item of r.problems) out(line(item))
        if (r.advice.length) {
          out('Worth a look (does not block):')
          for (const item of r.advice) out(line(item))
        }
      }
      return r.ready ? 0 : 1
    },
  },
  {
    name: 'secrets rotate',
    usage: 'secrets rotate              Reseal connector secrets under SECRETS_KEY (the old key in SECRETS_KEY_PREVIOUS)',
    async run({ db, config, out, err, now }) {
      if (!config.secretsKeyPrevious) err('SECRETS_KEY_PREVIOUS is not set: only secrets already readable with SECRETS_KEY are checked.')
      let count: number
      try {
        count = await resealSecrets(db, config)
      } catch (e) {
        err(`Cannot reseal: ${e instanceof Error ? e.message : String(e)}. Nothing was changed.`)
        return 1
      }
      await appendAudit(db, { actorType: 'cli', actorId: null, action: 'datamap.secrets.rotate', data: { resealed: count }, at: now() })
      out(`Resealed ${count} system${count === 1 ? '' : 's'} under SECRETS_KEY. SECRETS_KEY_PREVIOUS may now be removed.`)
      return 0
    },
  },
]
