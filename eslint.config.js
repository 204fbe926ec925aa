// Lint rules: typescript-eslint's recommended set, plus the project's own rules
// (no `any` escapes, no enums: string unions and `as const` objects instead).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'samples/**/build/',
      '.tap/',
      'test/fixtures/.cache/',
      '.skiff/',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSEnumDeclaration',
          message: 'Use a union of string literals instead of an enum.',
        },
      ],
    },
  },
  {
    // Declarations of host APIs mirror their specification's types.
    files: ['types/**/*.d.ts'],
    rules: { '@typescript-eslint/no-unsafe-function-type': 'off' },
  },
);
