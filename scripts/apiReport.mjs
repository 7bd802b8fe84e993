// The API report: the public declaration surface of src/index.ts, so that it changes only on
// purpose. The declarations are those `tsc` emits for the package (the build's, or emitted in
// memory with the build's options); the report lists every exported name with its declaration
// (comments, and the private and protected members of classes, left out), then the
// declarations they use that are not exported themselves.
//
//   node scripts/apiReport.mjs           compares with etc/reactive-identity.api.md (exit 1 on a difference, with a diff)
//   node scripts/apiReport.mjs --update  writes etc/reactive-identity.api.md (npm run api:update)
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPORT_PATH = join(ROOT, 'etc', 'reactive-identity.api.md');
export const UPDATE_COMMAND = 'npm run api:update';
// Where the emitted declarations live, in memory only: inside the project, so that packages
// resolve from its node_modules, and apart from dist/, so that a stale build is never read.
const VIRTUAL = join(ROOT, '.api-report');

/**
 * The declaration files of the package, by path under VIRTUAL: those of the build in dist/esm
 * when it is newer than every source file (as in `npm test`, whose pretest builds), else emitted
 * in memory by `tsc` with the build's options. Both are the same emit.
 */
function declarationFiles() {
  return builtDeclarations() ?? emitDeclarations();
}

function walk(dir, keep, out = []) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, keep, out);
    else if (keep(path)) out.push(path);
  }
  return out;
}

function builtDeclarations() {
  const built = join(ROOT, 'dist', 'esm');
  const declarations = walk(built, (p) => p.endsWith('.d.ts'));
  if (!declarations.some((p) => p === join(built, 'index.d.ts'))) return undefined;
  const inputs = [
    ...walk(join(ROOT, 'src'), (p) => p.endsWith('.ts')),
    join(ROOT, 'tsconfig.json'),
    join(ROOT, 'tsconfig.build.json'),
  ];
  const oldestOutput = Math.min(...declarations.map((p) => statSync(p).mtimeMs));
  const newestInput = Math.max(...inputs.map((p) => statSync(p).mtimeMs));
  if (newestInput > oldestOutput) return undefined;
  // Every source file has its declaration file (none was added since the build).
  const sources = inputs.filter((p) => p.endsWith('.ts'));
  const expected = sources.map((p) =>
    join(built, relative(join(ROOT, 'src'), p)).replace(/\.ts$/, '.d.ts'),
  );
  const present = new Set(declarations);
  if (!expected.every((p) => present.has(p))) return undefined;
  return new Map(
    declarations.map((p) => [join(VIRTUAL, relative(built, p)), readFileSync(p, 'utf8')]),
  );
}

function emitDeclarations() {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.build.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  const options = {
    ...config.options,
    outDir: VIRTUAL,
    declaration: true,
    emitDeclarationOnly: true,
    declarationMap: false,
    sourceMap: false,
    noEmit: false,
    skipLibCheck: true,
  };
  const program = ts.createProgram([join(ROOT, 'src', 'index.ts')], options);
  const files = new Map();
  const result = program.emit(
    undefined,
    (name, text) => files.set(resolve(name), text),
    undefined,
    true,
  );
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    throw new Error(ts.formatDiagnostics(errors, formatHost));
  }
  return files;
}

const formatHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => ROOT,
  getNewLine: () => '\n',
};

/**
 * A program over the declaration files alone, with a checker to follow re-exports: no library,
 * no packages (what comes from a package is named by its module, never read), so it is quick.
 */
function declarationProgram(files) {
  const options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noLib: true,
    noResolve: true,
    types: [],
    noEmit: true,
  };
  const host = ts.createCompilerHost(options, true);
  const inVirtual = (name) => resolve(name).startsWith(VIRTUAL + sep);
  host.fileExists = (name) =>
    inVirtual(name) ? files.has(resolve(name)) : ts.sys.fileExists(name);
  host.readFile = (name) => (inVirtual(name) ? files.get(resolve(name)) : ts.sys.readFile(name));
  host.getSourceFile = (name, languageVersion) => {
    const text = files.get(resolve(name));
    return text === undefined ? undefined : ts.createSourceFile(name, text, languageVersion, true);
  };
  host.directoryExists = (name) => inVirtual(name) || ts.sys.directoryExists(name);
  return ts.createProgram([...files.keys()].sort(), options, host);
}

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

/** The top-level statement that declares `declaration`. */
function statementOf(declaration) {
  let node = declaration;
  while (node.parent !== undefined && !ts.isSourceFile(node.parent)) node = node.parent;
  return node;
}

/** Private and protected class members: what a user of the package (not a subclass) cannot reach. */
const isHidden = (member) =>
  (member.name !== undefined && ts.isPrivateIdentifier(member.name)) ||
  (ts.getCombinedModifierFlags(member) &
    (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !==
    0;

/** The statement without its private and protected class members. */
function publicPart(statement) {
  if (!ts.isClassDeclaration(statement)) return statement;
  return ts.factory.updateClassDeclaration(
    statement,
    statement.modifiers,
    statement.name,
    statement.typeParameters,
    statement.heritageClauses,
    statement.members.filter((member) => !isHidden(member)),
  );
}

function print(statement) {
  const sourceFile = statement.getSourceFile();
  return printer.printNode(ts.EmitHint.Unspecified, publicPart(statement), sourceFile).trim();
}

/**
 * Where an exported symbol leads: a declaration of this package (`target`), or a package's name
 * (`module`, and the name it has there, `imported`), which the declaration program never reads.
 */
function follow(checker, symbol) {
  let current = symbol;
  for (;;) {
    if ((current.flags & ts.SymbolFlags.Alias) === 0) return { target: current };
    const next = checker.getImmediateAliasedSymbol(current);
    if (next === undefined || (next.declarations ?? []).length === 0) {
      const declaration = current.declarations[0];
      let node = declaration;
      while (node !== undefined && node.moduleSpecifier === undefined) node = node.parent;
      const imported = declaration.propertyName ?? declaration.name;
      return {
        module: node?.moduleSpecifier.text ?? '?',
        imported: imported?.text ?? current.name,
      };
    }
    current = next;
  }
}

/** Every symbol a statement names in its types, heritage and `typeof` queries. */
function referencedSymbols(checker, statement) {
  const found = new Set();
  const visit = (node) => {
    let name;
    if (ts.isTypeReferenceNode(node)) name = node.typeName;
    else if (ts.isExpressionWithTypeArguments(node)) name = node.expression;
    else if (ts.isTypeQueryNode(node)) name = node.exprName;
    else if (ts.isImportTypeNode(node)) name = node.qualifier;
    if (name !== undefined) {
      const symbol = checker.getSymbolAtLocation(ts.isQualifiedName(name) ? name.left : name);
      if (symbol !== undefined) found.add(resolveAlias(checker, symbol));
      if (ts.isQualifiedName(name) || ts.isPropertyAccessExpression(name)) {
        const whole = checker.getSymbolAtLocation(
          ts.isQualifiedName(name) ? name.right : name.name,
        );
        if (whole !== undefined) found.add(resolveAlias(checker, whole));
      }
    }
    ts.forEachChild(node, visit);
  };
  if (!ts.isClassDeclaration(statement)) visit(statement);
  else {
    // Only the public members count.
    for (const part of [
      ...(statement.heritageClauses ?? []),
      ...(statement.typeParameters ?? []),
      ...statement.members.filter((m) => !isHidden(m)),
    ])
      visit(part);
  }
  return found;
}

function resolveAlias(checker, symbol) {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** The report's text for the current source. */
export function currentReport() {
  const files = declarationFiles();
  const program = declarationProgram(files);
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(join(VIRTUAL, 'index.d.ts'));
  const exported = checker
    .getExportsOfModule(checker.getSymbolAtLocation(index))
    .map((symbol) => ({ name: symbol.name, ...follow(checker, symbol) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const exportedTargets = new Set(exported.map((e) => e.target).filter(Boolean));

  const pending = [];
  const seen = new Set();
  const describe = (name, target, note) => {
    const statements = [...new Set((target.declarations ?? []).map(statementOf))];
    for (const statement of statements) {
      for (const symbol of referencedSymbols(checker, statement)) {
        if (exportedTargets.has(symbol) || seen.has(symbol)) continue;
        if (symbol.flags & ts.SymbolFlags.TypeParameter) continue;
        if ((symbol.declarations ?? []).length === 0) continue;
        seen.add(symbol);
        pending.push(symbol);
      }
    }
    const renamed = target.name !== name ? ` (declared as ${target.name})` : '';
    return [`// ${name}${renamed}${note}`, ...statements.map(print)].join('\n');
  };
  const entries = exported.map(({ name, target, module, imported }) =>
    target !== undefined
      ? describe(name, target, '')
      : `// ${name}\nexport { ${imported === name ? name : `${imported} as ${name}`} } from "${module}";`,
  );
  const unexported = [];
  while (pending.length > 0) {
    const symbol = pending.shift();
    unexported.push(describe(symbol.name, symbol, ', not exported'));
  }
  unexported.sort();
  return [
    '# API report: reactive-identity',
    '',
    'The public declaration surface of `src/index.ts`, as `tsc` emits it for the package: every',
    'exported name with its declaration (without comments, and classes without their private and',
    'protected members), then the declarations they use that are not exported. Do not edit:',
    '`' + UPDATE_COMMAND + '` writes it, and test/compat/apiReport.test.ts fails while it differs',
    'from the source.',
    '',
    '```ts',
    entries.join('\n\n'),
    '',
    '// ---- Used by the exports above, not exported themselves ----',
    '',
    unexported.join('\n\n'),
    '```',
    '',
  ].join('\n');
}

/** A line diff of two texts, `-` for the committed report and `+` for the source's. */
export function lineDiff(before, after) {
  const a = before.split('\n');
  const b = after.split('\n');
  // Longest common subsequence, over lines; the reports are a few thousand lines.
  const n = a.length;
  const m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      out.push(`+ ${b[j]}   (line ${j + 1})`);
      j++;
    } else {
      out.push(`- ${a[i]}   (was line ${i + 1})`);
      i++;
    }
  }
  return out.join('\n');
}

function main() {
  const update = process.argv.includes('--update');
  const report = currentReport();
  let committed;
  try {
    committed = readFileSync(REPORT_PATH, 'utf8');
  } catch {
    committed = '';
  }
  if (update) {
    mkdirSync(dirname(REPORT_PATH), { recursive: true });
    writeFileSync(REPORT_PATH, report);
    console.log(`${committed === report ? 'Unchanged' : 'Wrote'}: ${relative(ROOT, REPORT_PATH)}`);
    return;
  }
  if (committed === report) return;
  console.error(
    `The public API differs from ${relative(ROOT, REPORT_PATH)} (- committed, + source):\n\n` +
      `${lineDiff(committed, report)}\n\n` +
      `If the change is intended, run \`${UPDATE_COMMAND}\` and commit the report with it.`,
  );
  process.exitCode = 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  main();
