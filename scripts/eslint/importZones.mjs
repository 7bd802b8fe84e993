// A local ESLint rule: the import boundaries of DESIGN.md ("Folders and who may import whom").
// Each zone names a folder of src/ and the folders its files may not import from; an import is
// resolved against the importing file, so a folder's own subfolders never count as leaving it.
import { dirname, relative, resolve, sep } from 'node:path';

/** @type {import('eslint').Rule.RuleModule} */
export const importZones = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce which src/ folders may import which' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          zones: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                target: { type: 'string' },
                allow: { type: 'array', items: { type: 'string' } },
                message: { type: 'string' },
              },
              required: ['target', 'allow'],
            },
          },
        },
      },
    ],
  },
  create(context) {
    const { root, zones } = context.options[0];
    const file = context.filename;
    const inside = (path, folder) => {
      const rel = relative(resolve(root, folder), path);
      return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
    };
    const zone = zones.find((z) => inside(file, z.target));
    if (zone === undefined) return {};
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      // Sources name the compiled .js; the zones name the .ts files.
      const target = resolve(dirname(file), source).replace(/\.js$/, '.ts');
      if (!inside(target, 'src')) return;
      if (zone.allow.some((folder) => inside(target, folder))) return;
      context.report({
        node,
        message: `${zone.target} may not import ${relative(root, target).split(sep).join('/')}: ${zone.message ?? 'see DESIGN.md, "Folders and who may import whom"'}.`,
      });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
