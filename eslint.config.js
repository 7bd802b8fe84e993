import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/streams/clock.ts', 'src/emulator/**', 'src/cli/**'],
    rules: {
      // Time and randomness are injected; only the default clock file may touch the globals.
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use the injected scheduler (scheduler.now()).' },
        { object: 'Math', property: 'random', message: 'Use the injected random source.' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use timer(…, scheduler).' },
        { name: 'setInterval', message: 'Use interval(…, scheduler).' },
      ],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
);
