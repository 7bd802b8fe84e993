// Builds the ESM and CommonJS faces of the package, as the Azure SDK packages ship them.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';

const tsc = 'node_modules/typescript/bin/tsc';
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.cjs.json'], { stdio: 'inherit' });
mkdirSync('dist/commonjs', { recursive: true });
writeFileSync('dist/commonjs/package.json', '{ "type": "commonjs" }\n');
writeFileSync('dist/esm/package.json', '{ "type": "module" }\n');
// Files tsc does not emit (the dashboard's page, styles and browser scripts) go beside the output.
for (const out of ['dist/esm', 'dist/commonjs']) {
  cpSync('src', out, { recursive: true, filter: (path) => !path.endsWith('.ts') });
}
if (existsSync('dist/esm/cli/main.js')) chmodSync('dist/esm/cli/main.js', 0o755);
