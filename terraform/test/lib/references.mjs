// Reference resolution: every var., local., module., data. and resource reference of a module
// must name something that module declares (and module.X.Y an output of a local child module).
import path from 'node:path';
import { blocks, templateAst, locate, problem } from './hcl.mjs';
import { walkExpressions, children } from './walk.mjs';

const BUILTIN_ROOTS = new Set(['path', 'terraform', 'self']);

/** Names a module declares. */
export function declarations(module) {
  const d = {
    variables: new Map(),
    locals: new Map(),
    modules: new Map(),
    data: new Set(),
    resources: new Set(),
    outputs: new Set(),
    providers: new Set(),
  };
  for (const b of blocks(module)) {
    if (b.type === 'variable') d.variables.set(b.labels[0], b);
    else if (b.type === 'output') d.outputs.add(b.labels[0]);
    else if (b.type === 'module') d.modules.set(b.labels[0], b);
    else if (b.type === 'data') d.data.add(`${b.labels[0]}.${b.labels[1]}`);
    else if (b.type === 'resource') d.resources.add(`${b.labels[0]}.${b.labels[1]}`);
    else if (b.type === 'provider') d.providers.add(b.labels[0]);
    else if (b.type === 'locals') for (const k of Object.keys(b.body)) d.locals.set(k, b);
  }
  return d;
}

/**
 * Traversals (references) in an expression AST, leaving out names bound by for-expressions.
 * Returns [{ root, names: [segments...], text }].
 */
export function referencesIn(node, bound = new Set()) {
  const out = [];
  const go = (n, scope) => {
    if (!n) return;
    if (n.type === 'scopeTraversal') {
      const parts = n.meta.traversal ?? [];
      const root = parts[0]?.segment;
      if (root && !scope.has(root)) {
        const names = [];
        for (const p of parts) {
          if (p.type !== 'nameTraversal') break;
          names.push(p.segment);
        }
        out.push({ root, names, text: names.join('.') });
      }
      return;
    }
    if (n.type === 'for') {
      const [collection, ...rest] = children(n);
      go(collection, scope);
      const inner = new Set(scope);
      if (n.meta.keyVar) inner.add(n.meta.keyVar);
      if (n.meta.valVar) inner.add(n.meta.valVar);
      for (const c of rest) go(c, inner);
      return;
    }
    // An object key written as a bare name (`{ a = 1 }`) is a key node without children.
    for (const c of children(n)) go(c, scope);
  };
  go(node, bound);
  return out;
}

function resolveModuleDir(module, block) {
  const src = block.body.source;
  if (typeof src !== 'string' || !(src.startsWith('./') || src.startsWith('../'))) return null;
  return path.resolve(module.dir, src);
}

// Attributes whose expressions are not references to check.
function skipper(block) {
  return (p) => {
    if (p.length === 0) return false;
    if (block.type === 'variable' && p[0] === 'type') return true;
    if ((block.type === 'resource' || block.type === 'data') && p[0] === 'provider') return true;
    if (block.type === 'module' && p[0] === 'providers') return true;
    if (p[0] === 'lifecycle' && p.includes('ignore_changes')) return true;
    return false;
  };
}

/**
 * Checks every reference of `module`. `modulesByDir` maps absolute directory -> loaded module
 * with its declarations, for module.X.Y outputs and module call arguments.
 */
export async function checkReferences(module, modulesByDir) {
  const decl = declarations(module);
  const problems = [];
  const report = (block, needle, rule, message) => {
    const { line, column } = locate(block.file, block, needle);
    problems.push(problem(block.file.rel, line, column, rule, message));
  };

  for (const block of blocks(module)) {
    const hasCount = block.body.count !== undefined;
    const hasForEach = block.body.for_each !== undefined;
    const where = `${block.type}${block.labels.map((l) => ` "${l}"`).join('')}`;
    const found = [];
    walkExpressions(block.body, (value, ctx) => found.push({ value, ctx }), skipper(block));

    for (const { value, ctx } of found) {
      let ast;
      try {
        ({ ast } = await templateAst(value, block.file.rel));
      } catch (e) {
        report(block, null, 'syntax', `cannot parse expression ${JSON.stringify(value)} in ${where}: ${e.message}`);
        continue;
      }
      for (const ref of referencesIn(ast, ctx.iterators)) {
        const [root, a, b] = ref.names;
        const bad = (msg) => report(block, ref.text, 'reference', `${msg} (in ${where})`);
        if (BUILTIN_ROOTS.has(root)) continue;
        if (root === 'var') {
          if (!decl.variables.has(a)) bad(`var.${a} is not declared: no variable "${a}" in ${module.rel}`);
        } else if (root === 'local') {
          if (!decl.locals.has(a)) bad(`local.${a} is not declared in any locals block of ${module.rel}`);
        } else if (root === 'module') {
          const call = decl.modules.get(a);
          if (!call) {
            bad(`module.${a} is not declared: no module "${a}" in ${module.rel}`);
          } else if (b) {
            const child = modulesByDir.get(resolveModuleDir(module, call));
            if (child && !child.declarations.outputs.has(b)) bad(`module.${a}.${b}: module "${a}" (${child.rel}) has no output "${b}"`);
          }
        } else if (root === 'data') {
          if (!decl.data.has(`${a}.${b}`)) bad(`data.${a}.${b} is not declared in ${module.rel}`);
        } else if (root === 'count') {
          if (!hasCount) bad(`count.${a} used in a block without count`);
        } else if (root === 'each') {
          if (!hasForEach) bad(`each.${a} used in a block without for_each`);
        } else if (ref.names.length >= 2 && /^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(root)) {
          if (!decl.resources.has(`${root}.${a}`)) bad(`${root}.${a} is not declared: no resource "${root}" "${a}" in ${module.rel}`);
        } else {
          bad(`unknown reference "${ref.text}"`);
        }
      }
    }

    // A module call passes only variables the child declares, and every required one.
    if (block.type === 'module') {
      const child = modulesByDir.get(resolveModuleDir(module, block));
      if (child) {
        const meta = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);
        for (const arg of Object.keys(block.body)) {
          if (!meta.has(arg) && !child.declarations.variables.has(arg)) {
            report(block, arg, 'reference', `module "${block.labels[0]}" passes "${arg}", which ${child.rel} does not declare`);
          }
        }
        for (const [name, v] of child.declarations.variables) {
          if (!('default' in v.body) && !(name in block.body)) {
            report(block, null, 'reference', `module "${block.labels[0]}" does not set required variable "${name}" of ${child.rel}`);
          }
        }
      }
    }
  }
  return problems;
}
