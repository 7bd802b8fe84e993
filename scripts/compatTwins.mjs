// The compile-time compatibility test's files (test/compat): each file written against this
// package (`from '../../src/index.js'`) has a twin that differs only in the module name
// (`from '@azure/identity'`), so `tsc --noEmit -p .` compiles the same code against both. This
// script checks (or, with --write, writes) the twins, and checks that together the files import
// every name `@azure/identity` exports.
//
//   node scripts/compatTwins.mjs          checks (exit 1 with what differs)
//   node scripts/compatTwins.mjs --write  writes the twins (npm run compat:sync)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COMPAT = join(ROOT, 'test', 'compat');
const OURS = "from '../../src/index.js'";
const ANCHOR = "from '@azure/identity'";
const ANCHOR_TYPES = join(ROOT, 'node_modules', '@azure', 'identity', 'dist', 'esm');

/** The files written against this package that have a twin: anchorApi*.ts. */
export function masters() {
  return readdirSync(COMPAT)
    .filter((name) => /^anchorApi[A-Za-z]*\.ts$/.test(name))
    .sort()
    .map((name) => join(COMPAT, name));
}

export const twinOf = (master) => master.replace(/\.ts$/, '.anchor.ts');

/** The twin's text: the master with the module name changed, and nothing else. */
export function twinText(master) {
  const text = readFileSync(master, 'utf8');
  const count = text.split(OURS).length - 1;
  if (count !== 1 || text.split('src/').length !== 2) {
    throw new Error(
      `${relative(ROOT, master)} must import the package once, as \`${OURS}\`, and nothing else from src/ (found ${count} such imports).`,
    );
  }
  return text.replace(OURS, ANCHOR);
}

/** The names each master imports from the package. */
function importedNames(master) {
  const file = ts.createSourceFile(master, readFileSync(master, 'utf8'), ts.ScriptTarget.ES2022);
  const names = [];
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    if (statement.moduleSpecifier.text !== '../../src/index.js') continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements)
        names.push((element.propertyName ?? element.name).text);
    }
  }
  return names;
}

/** Every name `@azure/identity`'s index.d.ts exports, types and values. */
export function anchorExports() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.d.ts')) files.push(path);
    }
  };
  walk(ANCHOR_TYPES);
  const options = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noLib: true,
    noResolve: true,
    types: [],
    noEmit: true,
  };
  const program = ts.createProgram(files.sort(), options);
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(join(ANCHOR_TYPES, 'index.d.ts'));
  return checker
    .getExportsOfModule(checker.getSymbolAtLocation(index))
    .map((s) => s.name)
    .sort();
}

/** What is wrong with the compat files, as lines; empty when all is well. */
export function problems({ write = false } = {}) {
  const found = [];
  const used = new Set();
  for (const master of masters()) {
    for (const name of importedNames(master)) used.add(name);
    const twin = twinOf(master);
    const expected = twinText(master);
    let actual;
    try {
      actual = readFileSync(twin, 'utf8');
    } catch {
      actual = undefined;
    }
    if (actual === expected) continue;
    if (write) {
      writeFileSync(twin, expected);
      console.log(`Wrote ${relative(ROOT, twin)}`);
    } else {
      found.push(
        `${relative(ROOT, twin)} is not ${relative(ROOT, master)} with ${OURS} changed to ${ANCHOR}.`,
      );
    }
  }
  const missing = anchorExports().filter((name) => !used.has(name));
  if (missing.length > 0) {
    found.push(
      `test/compat/anchorApi*.ts import none of these exports of @azure/identity: ${missing.join(', ')}. Use each of them there.`,
    );
  }
  return found;
}

function main() {
  const write = process.argv.includes('--write');
  const found = problems({ write });
  if (found.length === 0) return;
  console.error(
    `${found.join('\n')}\n\nWrite the twins with \`npm run compat:sync\` (edit only the files that import ../../src/index.js).`,
  );
  process.exitCode = 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  main();
