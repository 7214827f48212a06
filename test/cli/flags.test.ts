import t from 'tap'
import { main } from '../../src/cli.js'
import { parseFlags } from '../../src/cli/context.js'

async function cli(argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  // No settings: every case here ends before the configuration is read.
  const code = await main(argv, { env: {}, out: (s) => out.push(s), err: (s) => err.push(s) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

t.test('flags: --name value, --name=value, yes/no flags as "true", positionals in any order', async (t) => {
  const spec = { email: 'string', name: 'string', partial: 'boolean' } as const
  t.same(parseFlags(['staff', 'add', '--email', 'a@b.se', '--name=Anna Admin'], spec), { positional: ['staff', 'add'], flags: { email: 'a@b.se', name: 'Anna Admin' } })
  t.same(parseFlags(['import', '--partial', 'subscribers', 'f.csv'], spec), { positional: ['import', 'subscribers', 'f.csv'], flags: { partial: 'true' } })
  t.same(parseFlags(['x', '--email', 'a', '--email', 'b'], spec).flags, { email: 'b' }, 'the last one wins')
})

t.test('a mistyped or incomplete flag is refused with exit code 2, what is wrong, and the usage', async (t) => {
  for (const [argv, said] of [
    [['staff', 'add', '--emial', 'a@b.se'], /Unknown option '--emial'/],
    [['backup', 'copy.db', '--files'], /--files <value>' argument missing/],
    [['import', 'subscribers', 'f.csv', '--partial=yes'], /--partial' does not take an argument/],
  ] as const) {
    const res = await cli([...argv])
    t.equal(res.code, 2, argv.join(' '))
    t.match(res.err, said)
    t.match(res.err, /Usage: dsr-portal <command>/)
  }
})

t.test('help and unknown commands', async (t) => {
  t.equal((await cli([])).code, 1, 'nothing at all: the usage, exit 1')
  const help = await cli(['help'])
  t.equal(help.code, 0)
  t.match(help.out, /staff add --email E/)
  t.equal((await cli(['staff', 'add', '--help'])).code, 0)
  const unknown = await cli(['frobnicate'])
  t.equal(unknown.code, 2)
  t.match(unknown.err, /Unknown command: frobnicate/)
})
