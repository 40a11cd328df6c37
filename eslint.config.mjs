// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

// Issue 10: IsOptional lets null past every other rule of a field; `"cycleId": null` reached the log so.
const NO_IS_OPTIONAL = {
  name: 'class-validator',
  importNames: ['IsOptional'],
  message: 'Use Optional() from libs/http/src/fields.ts: optional means left out, not null.',
};

export default tseslint.config(
  {
    ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/results/', 'test-artifacts/'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
    },
  },
  {
    rules: { 'no-restricted-imports': ['error', { paths: [NO_IS_OPTIONAL] }] },
  },
  {
    // Issue 11 point 4, the read side: a controller or a page reads through its view's query (a loader and a
    // pure fold, in the use case's folder of the lib that owns the view; see README "The read side"), never
    // the event store or the database itself. (This block's options replace the one above, so it repeats it.)
    files: ['**/*.http.ts', '**/*.pages.ts', '**/*.page.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            NO_IS_OPTIONAL,
            {
              name: 'typeorm',
              message:
                'Controllers and pages read through a query (e.g. libs/returns/src/get-cycle/get-cycle.query.ts), not the DataSource or an EntityManager.',
            },
          ],
          patterns: [
            {
              regex: '(^|/)event-store/src/index\\.js$',
              importNames: ['EventStore', 'aggregateStream', 'StoredEvent', 'EventProcessor'],
              message:
                'Controllers and pages read through a query (e.g. libs/returns/src/get-cycle/get-cycle.query.ts), not the event store.',
            },
          ],
        },
      ],
    },
  },
  {
    // Plain JavaScript files (configs, scripts) run on Node.
    files: ['**/*.{js,cjs,mjs}'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        __dirname: 'readonly',
        __filename: 'readonly',
        require: 'readonly',
        module: 'writable',
        exports: 'writable',
      },
    },
  },
);
