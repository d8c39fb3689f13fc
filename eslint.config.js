// @ts-check
// Lint: typescript-eslint's strict and stylistic type-checked sets. Options narrow rules only
// where the reason is given; no rule is disabled. `npm run lint` (part of `npm test`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'certs/**', 'src/rego/wasm/runtime/**', '.tap/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Numbers and booleans print unambiguously in messages; objects, unknowns and nullish do not.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `(x) => resolve(x)` and callbacks typed to return void say what they do.
      '@typescript-eslint/no-confusing-void-expression': [
        'error',
        { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true },
      ],
      // As only-throw-error's defaults: forwarding a caught value or a signal's reason (lib types it any) unchanged.
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
      // `const { a: _a, ...rest } = o` is how a copy without some keys is made.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // tap collects every subtest promise itself: `t.test(...)` is awaited by the runner.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafePromises: [{ from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }] },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Disabled for tests: tap ends a subtest when its callback's promise settles, so an async
      // callback without await is how a synchronous subtest ends without t.end().
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
);
