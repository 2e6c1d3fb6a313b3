// Lint: the server boundary of DESIGN §5.1 — only server/** (and the testbed/test tooling) may import the
// server-only libraries; routes, components and lib/ go through server/ services.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const SERVER_ONLY = ['@kubernetes/client-node', '@azure/*', 'drizzle-orm', 'drizzle-orm/*', 'pg', 'pino', '@electric-sql/pglite'];

export default [
  { ignores: ['node_modules/**', '.next/**', '.next-e2e/**', '.data/**', '.testbed/**', 'test-results/**', 'next-env.d.ts'] },
  {
    files: ['**/*.{ts,tsx,mts,mjs}'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaVersion: 'latest', sourceType: 'module', ecmaFeatures: { jsx: true } } },
    // Plugins are registered so inline directives that name their rules resolve; their rules are not enabled here.
    plugins: { '@typescript-eslint': tseslint.plugin, 'react-hooks': reactHooks },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: {},
  },
  {
    files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}', 'lib/**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: SERVER_ONLY, message: 'Server-only library: call a module under server/ instead (DESIGN §5.1).' }],
        },
      ],
    },
  },
];
