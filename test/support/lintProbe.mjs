// Lints source texts as if they stood at given paths, with the project's eslint.config.js, and
// prints each one's rule ids as JSON. Input: LINT_CASES, a JSON array of { path, code }.
import { ESLint } from 'eslint';

const cases = JSON.parse(process.env.LINT_CASES ?? '[]');
const eslint = new ESLint({ cwd: process.cwd() });
const results = [];
for (const { path, code } of cases) {
  const [result] = await eslint.lintText(code, { filePath: path });
  results.push(result.messages.map((m) => ({ rule: m.ruleId, message: m.message })));
}
process.stdout.write(`${JSON.stringify(results)}\n`);
