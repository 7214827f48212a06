// typescript-eslint's stock recommended rules over the whole tree, plus a no-cycles check over src/.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import { importX } from 'eslint-plugin-import-x'
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// A feature folder's tables are its own: another folder reaches them through the feature's services, never its
// repositories (`*repository*.ts`). One zone per folder of src/ (and one for the files at src/'s root) forbids
// every repository but the folder's own. The shared layers (src/db, src/domain, src/http, src/i18n) hold none.
const root = dirname(fileURLToPath(import.meta.url))
const repositories = join(root, 'src/*/**/*repository*.ts')
const folders = readdirSync(join(root, 'src'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)
const message = "Another feature's tables: call its service (a class or a module of functions taking an Executor) instead."
const repositoryZones = [
  ...folders.map((folder) => ({ target: `./src/${folder}`, from: repositories, except: [join(root, `src/${folder}/**`)], message })),
  { target: './src/*.ts', from: repositories, message },
]

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tap/**', 'public/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a value left out on purpose (a destructured field dropped, an unused callback argument).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // A variable a teardown closure reads before it is assigned cannot be a const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { basePath: root, zones: repositoryZones }],
    },
  },
  {
    // Migrations are frozen against Kysely<any> (never the live schema's types), and so is the code that runs them.
    files: ['migrations/**/*.ts', 'src/db/migrate.ts', 'src/db/pg-introspector.ts', 'test/db/migration-*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Code evaluated inside the browser: the project's TypeScript has no DOM library to type it with.
    files: ['test/e2e/**/*.ts', 'test/helpers/browser.ts', 'test/helpers/layout.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Plain JavaScript run by Node (the CLI's entry, the build script, the test loader): Node's globals.
    files: ['bin/**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
)
