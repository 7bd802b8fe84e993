import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { fileURLToPath } from 'node:url';
import { importZones } from './scripts/eslint/importZones.mjs';

const root = fileURLToPath(new URL('.', import.meta.url));
// DESIGN.md, "Folders and who may import whom": what each folder may import besides itself.
// src/errors.ts is the shared vocabulary of every library folder.
const zones = [
  { target: 'src/streams', allow: ['src/streams', 'src/cache', 'src/telemetry', 'src/errors.ts'] },
  { target: 'src/cache', allow: ['src/cache', 'src/telemetry', 'src/errors.ts'] },
  {
    target: 'src/credentials',
    allow: ['src/credentials', 'src/streams', 'src/cache', 'src/telemetry', 'src/errors.ts'],
  },
  {
    target: 'src/telemetry',
    allow: ['src/telemetry'],
    message: 'telemetry imports nothing of the project',
  },
  {
    target: 'src/emulator',
    allow: ['src/emulator'],
    message: 'the emulator is a server a client talks to over HTTP; it never imports the library',
  },
  {
    target: 'src/service',
    allow: [
      'src/service',
      'src/streams',
      'src/cache',
      'src/credentials',
      'src/telemetry',
      'src/errors.ts',
      'src/index.ts',
    ],
    message: 'the service uses the library, never the emulator',
  },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    files: ['src/**/*.ts'],
    // src/cache/fileLock.ts polls another process's lock file: a real-time wait, like the I/O.
    ignores: ['src/streams/clock.ts', 'src/cache/fileLock.ts', 'src/emulator/**', 'src/cli/**'],
    rules: {
      // Time and randomness are injected; only the default clock file (and the file lock's
      // polling) may touch the globals.
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'Use the injected scheduler (scheduler.now()).',
        },
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
    files: ['src/**/*.ts'],
    plugins: { local: { rules: { 'import-zones': importZones } } },
    rules: { 'local/import-zones': ['error', { root, zones }] },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
);
