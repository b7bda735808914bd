// Lint rules (formatting is Prettier's, .prettierrc.json: `npm run format`). Type-aware where it finds bugs: a
// promise nobody awaits (its rejection crashes the process, or a test reads a store still closing), a switch
// that misses a case of a union, an async callback where a plain one is expected. Unused locals and parameters
// are tsc's (noUnusedLocals, noUnusedParameters in tsconfig.json), so not checked twice here.
// `npm run format` runs Prettier twice: on some long hand-written method chains its first pass is not yet stable
// (3 of 294 files on the first whole-tree run), and `npm run lint` checks the stable form.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.vitest/', '.faults/', '.onair-data/', '.onair-agent/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        // console/ is browser code with a tsconfig of its own; everything else is in tsconfig.json.
        project: ['./tsconfig.json', './tsconfig.console.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // A `default:` counts as handling the rest; without one, every member of a union needs its case.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // tsc reports them (noUnusedLocals, noUnusedParameters), with the same `_name` escape for parameters.
      '@typescript-eslint/no-unused-vars': 'off',
      // Off: the code pairs side effects in comma sequences (`if (q.agent) (where.push(...), args.push(...))`,
      // about 20 places); rewriting them is style only, and tsc already reports a comma's side-effect-free left side.
      '@typescript-eslint/no-unused-expressions': 'off',
      // A `let x!: T` that a closure reads before its one assignment (test/support/tcp-proxy.ts) cannot be a const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Not enabled from typescript-eslint's type-checked set (about 200 findings, a separate pass): require-await,
      // no-unsafe-* (JSON and driver payloads typed `any` on purpose), unbound-method, no-base-to-string,
      // prefer-promise-reject-errors, no-unnecessary-type-assertion.
    },
  },
  {
    // Scripts outside both TypeScript projects: linted without types.
    files: ['**/*.js', '**/*.mjs', 'vitest.browser.config.ts'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },
  prettier,
);
