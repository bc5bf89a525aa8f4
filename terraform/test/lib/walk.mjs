// Walking hcl2json bodies: every expression string with the block it sits in and the names a
// dynamic block's iterator brings into scope.

/**
 * Calls visit(value, ctx) for every string of a block body that holds an expression.
 * ctx = { path: [keys...], iterators: Set<string> }.
 * `skip(path)` may return true to leave an attribute out (type constraints, ignore_changes...).
 */
export function walkExpressions(body, visit, skip = () => false) {
  const go = (value, path, iterators) => {
    if (skip(path)) return;
    if (typeof value === 'string') {
      if (value.includes('${') || value.includes('%{')) visit(value, { path, iterators });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => go(v, [...path, i], iterators));
      return;
    }
    if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (key === 'dynamic' && v && typeof v === 'object' && !Array.isArray(v)) {
          // dynamic "label" { for_each = ..., iterator = name, content { ... } }
          for (const [label, instances] of Object.entries(v)) {
            for (const [i, inst] of (Array.isArray(instances) ? instances : [instances]).entries()) {
              const name = typeof inst.iterator === 'string' ? inst.iterator : label;
              for (const [k, inner] of Object.entries(inst)) {
                const scope = k === 'for_each' ? iterators : new Set([...iterators, name]);
                go(inner, [...path, 'dynamic', label, i, k], scope);
              }
            }
          }
          continue;
        }
        // hcl2json turns object constructors into JSON objects whose keys may be templates too.
        if (key.includes('${') || key.includes('%{')) visit(key, { path: [...path, key], iterators, key: true });
        go(v, [...path, key], iterators);
      }
    }
  };
  go(body, [], new Set());
}

/** Literal (non-expression) strings of a body, with their paths. */
export function walkLiterals(body, visit) {
  const go = (value, path) => {
    if (typeof value === 'string') visit(value, path);
    else if (Array.isArray(value)) value.forEach((v, i) => go(v, [...path, i]));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) go(v, [...path, k]);
  };
  go(body, []);
}

/** Children of an AST node, [] for leaves. */
export function children(node) {
  return node && Array.isArray(node.children) ? node.children : [];
}

/** Depth-first visit of an expression AST; visit may return false to skip a subtree. */
export function visitAst(node, visit) {
  if (!node) return;
  if (visit(node) === false) return;
  for (const c of children(node)) visitAst(c, visit);
}
