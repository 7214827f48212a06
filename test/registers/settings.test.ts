import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config.js'
import { cleanFilename, cvFile, sniffCv } from '../../src/registers/cv-storage.js'
import { guessField } from '../../src/registers/rectification.js'

const base = { NODE_ENV: 'test', DATABASE_URL: ':memory:', PUBLIC_URL: 'https://portal.test' }

t.test('register settings: defaults and validation naming the variable', async (t) => {
  const d = loadConfig({ ...base, MAIL_FROM: 'Xtractor <dsr@xtractor.se>' })
  t.equal(d.unsubscribeMailto, 'dsr@xtractor.se', 'defaults to the address in MAIL_FROM')
  t.equal(d.caseRetentionYears, 5)
  t.equal(d.cvMaxBytes, 5 * 1024 * 1024)
  t.equal(loadConfig({ ...base, UNSUBSCRIBE_MAILTO: 'Avregistrering <unsub@xtractor.se>' }).unsubscribeMailto, 'unsub@xtractor.se')
  t.equal(loadConfig({ ...base, UNSUBSCRIBE_MAILTO: 'unsub@xtractor.se' }).unsubscribeMailto, 'unsub@xtractor.se')
  for (const [name, value] of [
    ['UNSUBSCRIBE_MAILTO', 'not an address'],
    ['CASE_RETENTION_YEARS', '0'],
    ['CASE_RETENTION_YEARS', 'five'],
    ['CV_MAX_BYTES', '10'],
    ['IMPORT_MAX_BYTES', '-1'],
  ]) {
    t.throws(() => loadConfig({ ...base, [name]: value }), ConfigError, `${name}=${value}`)
    try {
      loadConfig({ ...base, [name]: value })
    } catch (error) {
      t.match((error as ConfigError).variable, name)
    }
  }
})

t.test('CV checks and helpers', async (t) => {
  t.match(sniffCv(Buffer.from('{\\rtf1 hello'), 'cv.rtf'), { ext: 'rtf' })
  t.match(sniffCv(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]), 'cv.doc'), { ext: 'doc' })
  t.equal(sniffCv(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]), 'cv.xls'), null)
  t.match(sniffCv(Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('mimetypeapplication/vnd.oasis.opendocument.text')]), 'cv.odt'), { ext: 'odt' })
  t.equal(sniffCv(Buffer.from('PK\x03\x04 some zip', 'latin1'), 'cv.docx'), null, 'a ZIP that is not a Word document')
  t.equal(cleanFilename('C:\\Users\\x\\"evil"\r\n.pdf'), 'evil.pdf')
  t.equal(cleanFilename(''), 'cv')
  t.throws(() => cvFile('/data', '../etc/passwd'))
  t.throws(() => cvFile('/data', 'cvs/../../etc/passwd'))
  t.equal(cvFile('/data', 'cvs/abc.pdf'), '/data/cvs/abc.pdf')
  t.equal(guessField('new@example.se'), 'email')
  t.equal(guessField('+46 70 123 45 67'), 'phone')
  t.equal(guessField('Anna Andersson'), 'name')
})
