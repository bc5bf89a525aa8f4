// A small evaluator for the subset of Terraform expressions the schedule messages are built
// with, so the fixtures come from the modules' own expressions rather than a copy of them.
// Anything outside the subset throws, naming the expression: it never guesses.
import { templateAst, nodeText, blocks } from './hcl.mjs';
import { children } from './walk.mjs';

export class EvalError extends Error {}

/** Terraform's jsonencode: object keys sorted, no spaces, <, >, & and U+2028/9 escaped. */
export function tfJsonEncode(value) {
  const str = (s) => JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const enc = (v) => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'string') return str(v);
    if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map(enc).join(',')}]`;
    return `{${Object.keys(v).sort().map((k) => `${str(k)}:${enc(v[k])}`).join(',')}}`;
  };
  return enc(value);
}

// Escapes of a quoted HCL string literal (inside an interpolation the AST keeps them raw).
function unescapeQuoted(s) {
  return s.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[nrt"\\])/g, (_, e) => {
    if (e[0] === 'u' || e[0] === 'U') return String.fromCodePoint(parseInt(e.slice(1), 16));
    return { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' }[e];
  });
}

function unescapeTemplate(s) {
  return s.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

const FUNCTIONS = {
  jsonencode: (v) => tfJsonEncode(v),
  jsondecode: (s) => JSON.parse(s),
  base64encode: (s) => Buffer.from(String(s), 'utf8').toString('base64'),
  base64decode: (s) => Buffer.from(String(s), 'base64').toString('utf8'),
  coalesce: (...a) => {
    const v = a.find((x) => x !== null && x !== undefined && x !== '');
    if (v === undefined) throw new EvalError('coalesce: no non-null, non-empty argument');
    return v;
  },
  upper: (s) => String(s).toUpperCase(),
  lower: (s) => String(s).toLowerCase(),
  replace: (s, a, b) => String(s).split(a).join(b),
  tostring: (v) => (v === null ? null : String(v)),
  tonumber: (v) => (v === null ? null : Number(v)),
  join: (sep, list) => list.join(sep),
  length: (v) => (typeof v === 'string' ? [...v].length : Array.isArray(v) ? v.length : Object.keys(v).length),
  merge: (...objs) => Object.assign({}, ...objs),
  trimspace: (s) => String(s).trim(),
  split: (sep, s) => String(s).split(sep),
  floor: (n) => Math.floor(n),
};

function asString(v) {
  if (v === null || v === undefined) throw new EvalError('null value in a string template');
  if (typeof v === 'object') throw new EvalError('cannot put a collection into a string template');
  return String(v);
}

function binary(op, l, r) {
  switch (op) {
    case 'equal': return JSON.stringify(l) === JSON.stringify(r);
    case 'notEqual': return JSON.stringify(l) !== JSON.stringify(r);
    case 'logicalAnd': return l && r;
    case 'logicalOr': return l || r;
    case 'add': return l + r;
    case 'subtract': return l - r;
    case 'multiply': return l * r;
    case 'divide': return l / r;
    case 'modulo': return l % r;
    case 'greaterThan': return l > r;
    case 'greaterThanOrEqual': return l >= r;
    case 'lessThan': return l < r;
    case 'lessThanOrEqual': return l <= r;
    default: throw new EvalError(`operator ${op} is not supported`);
  }
}

/**
 * An evaluation scope over one module: `resolve(root, names)` answers var./local./each./path.
 * and resource references; `bindings` holds for-expression variables.
 */
export class Scope {
  constructor(resolve, bindings = new Map()) {
    this.resolve = resolve;
    this.bindings = bindings;
  }
  with(extra) {
    return new Scope(this.resolve, new Map([...this.bindings, ...extra]));
  }
}

function traverse(value, parts, from, what) {
  let v = value;
  for (let i = from; i < parts.length; i++) {
    const p = parts[i];
    const key = p.type === 'indexTraversal' ? p.segment.replace(/^"(.*)"$/, '$1') : p.segment;
    if (v === null || v === undefined || typeof v !== 'object') throw new EvalError(`${what}: cannot read "${key}" of ${JSON.stringify(v)}`);
    v = Array.isArray(v) ? v[Number(key)] : v[key];
    if (v === undefined) v = null;
  }
  return v;
}

async function evalNode(node, text, scope, quoted = false) {
  const kids = children(node);
  switch (node.type) {
    case 'literalValue': {
      const m = node.meta;
      if (m.type === 'number') return Number(m.value);
      if (m.type === 'bool') return m.value === 'true';
      if (m.type === 'string') return unescapeTemplate(quoted ? unescapeQuoted(m.value) : m.value);
      if (m.value === 'null') return null;
      throw new EvalError(`literal ${m.value} of type ${m.type}`);
    }
    case 'template': {
      const isQuoted = typeof node.meta?.value === 'string' && node.meta.value.startsWith('"');
      if (kids.length === 1 && kids[0].type !== 'literalValue') return evalNode(kids[0], text, scope, isQuoted);
      const parts = [];
      for (const c of kids) parts.push(asString(await evalNode(c, text, scope, isQuoted)));
      return parts.join('');
    }
    case 'scopeTraversal': {
      const parts = node.meta.traversal;
      const root = parts[0].segment;
      if (scope.bindings.has(root)) return traverse(scope.bindings.get(root), parts, 1, node.meta.value);
      return scope.resolve(parts, node.meta.value);
    }
    case 'relativeTraversal':
      return traverse(await evalNode(kids[0], text, scope, quoted), node.meta.traversal, 0, node.meta.value);
    case 'index': {
      const coll = await evalNode(kids[0], text, scope, quoted);
      const key = await evalNode(kids[1], text, scope, quoted);
      const v = Array.isArray(coll) ? coll[Number(key)] : coll?.[key];
      if (v === undefined) throw new EvalError(`${node.meta.value}: no element ${JSON.stringify(key)}`);
      return v;
    }
    case 'function': {
      const fn = FUNCTIONS[node.meta.name];
      if (!fn) throw new EvalError(`function ${node.meta.name}() is not supported by the evaluator`);
      const args = [];
      for (const c of kids) args.push(await evalNode(c, text, scope, quoted));
      if (node.meta.expandedFinalArgument) args.push(...args.pop());
      return fn(...args);
    }
    case 'tuple': {
      const out = [];
      for (const c of kids) out.push(await evalNode(c, text, scope, quoted));
      return out;
    }
    case 'object': {
      const out = {};
      for (let i = 0; i + 1 < kids.length; i += 2) {
        const keyNode = kids[i];
        let key;
        if (children(keyNode).length === 0) key = nodeText(keyNode, text).trim();
        else key = asString(await evalNode(children(keyNode)[0], text, scope, quoted));
        out[key] = await evalNode(kids[i + 1], text, scope, quoted);
      }
      return out;
    }
    case 'conditional': {
      const cond = await evalNode(kids[0], text, scope, quoted);
      return evalNode(cond ? kids[1] : kids[2], text, scope, quoted);
    }
    case 'binaryOp':
      return binary(node.meta.operator, await evalNode(kids[0], text, scope, quoted), await evalNode(kids[1], text, scope, quoted));
    case 'unaryOp': {
      const v = await evalNode(kids[0], text, scope, quoted);
      if (node.meta.operator === 'negate') return -v;
      if (node.meta.operator === 'logicalNot') return !v;
      throw new EvalError(`unary ${node.meta.operator}`);
    }
    case 'for': {
      const m = node.meta;
      const coll = await evalNode(kids[0], text, scope, quoted);
      const isObject = m.openRangeValue === '{';
      // children after the collection: [key expr (object form)], value expr, [condition]
      const rest = kids.slice(1);
      const keyExpr = isObject ? rest.shift() : null;
      const valueExpr = rest.shift();
      const condExpr = m.conditionalExpression ? rest.shift() : null;
      const entries = Array.isArray(coll) ? coll.map((v, i) => [i, v]) : Object.keys(coll).sort().map((k) => [k, coll[k]]);
      const out = isObject ? {} : [];
      for (const [k, v] of entries) {
        const binds = [];
        if (m.keyVar) binds.push([m.keyVar, k]);
        binds.push([m.valVar, v]);
        const inner = scope.with(binds);
        if (condExpr && !(await evalNode(condExpr, text, inner, quoted))) continue;
        const value = await evalNode(valueExpr, text, inner, quoted);
        if (isObject) out[asString(await evalNode(keyExpr, text, inner, quoted))] = value;
        else out.push(value);
      }
      return out;
    }
    default:
      throw new EvalError(`expression ${JSON.stringify(node.meta?.value ?? node.type)} (${node.type}) is not supported by the evaluator`);
  }
}

/** Evaluates a hcl2json value (JSON-syntax template strings, arrays, objects) in a scope. */
export async function evaluate(value, scope) {
  if (typeof value === 'string') {
    if (!value.includes('${') && !value.includes('%{')) return unescapeTemplate(value);
    const { ast, text } = await templateAst(value);
    const kids = children(ast);
    // The heredoc wrapper adds a final newline to the last literal: "${x}" is [x, "\n"] and
    // yields x itself (any type), as a lone interpolation does in Terraform.
    const last = kids[kids.length - 1];
    if (kids.length === 2 && kids[0].type !== 'literalValue' && last.type === 'literalValue' && last.meta.value === '\n') {
      return evalNode(kids[0], text, scope);
    }
    const parts = [];
    for (const c of kids) parts.push(asString(await evalNode(c, text, scope)));
    const joined = parts.join('');
    if (!joined.endsWith('\n')) throw new EvalError(`unexpected end of template ${JSON.stringify(value)}`);
    return joined.slice(0, -1);
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => evaluate(v, scope)));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[asString(await evaluate(k, scope))] = await evaluate(v, scope);
    return out;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Type constraints: conversion of a module argument to its variable's type applies optional()
// defaults, as Terraform does.

async function typeOf(node, text) {
  if (node.type === 'template' && !node.meta?.value?.startsWith('"')) return typeOf(children(node)[0], text);
  if (node.type === 'scopeTraversal') return { kind: node.meta.value };
  if (node.type === 'function') {
    const name = node.meta.name;
    const args = children(node);
    if (['list', 'set', 'map'].includes(name)) return { kind: name, element: await typeOf(args[0], text) };
    if (name === 'optional') {
      const t = await typeOf(args[0], text);
      const dflt = args[1] ? await evalNode(args[1], text, new Scope(() => { throw new EvalError('reference in a type default'); })) : null;
      return { ...t, optional: true, default: dflt };
    }
    if (name === 'object') {
      const obj = args[0];
      const attrs = {};
      const kids = children(obj);
      for (let i = 0; i + 1 < kids.length; i += 2) attrs[nodeText(kids[i], text).trim()] = await typeOf(kids[i + 1], text);
      return { kind: 'object', attrs };
    }
  }
  throw new EvalError(`type constraint ${nodeText(node, text)} is not supported by the evaluator`);
}

export async function parseType(typeString) {
  const { ast, text } = await templateAst(typeString);
  return typeOf(ast, text);
}

export function convert(value, type, what) {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'string': return typeof value === 'object' ? (() => { throw new EvalError(`${what}: expected a string`); })() : String(value);
    case 'number': return Number(value);
    case 'bool': return Boolean(value);
    case 'any': return value;
    case 'list':
    case 'set': return value.map((v, i) => convert(v, type.element, `${what}[${i}]`));
    case 'map': return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, type.element, `${what}.${k}`)]));
    case 'object': {
      const out = {};
      for (const [k, t] of Object.entries(type.attrs)) {
        if (value[k] === undefined || value[k] === null) {
          if (!t.optional) throw new EvalError(`${what}: attribute "${k}" is required`);
          out[k] = t.default === null ? null : convert(t.default, t, `${what}.${k}`);
        } else out[k] = convert(value[k], t, `${what}.${k}`);
      }
      for (const k of Object.keys(value)) if (!(k in type.attrs)) throw new EvalError(`${what}: unexpected attribute "${k}"`);
      return out;
    }
    default: throw new EvalError(`${what}: type ${type.kind} is not supported`);
  }
}

/**
 * A scope over a loaded module. `inputs(name)` returns { value } for a variable set by the
 * caller (already evaluated), or undefined to use the variable's default. `stubs` supplies
 * values for data sources and resources that only exist after apply ("data.aws_region.current").
 * Resource references resolve to the resource's own configured arguments (e.g. its name).
 */
export function moduleScope(module, { inputs = () => undefined, stubs = {}, pathModule = '.' } = {}) {
  const all = blocks(module);
  const variables = new Map(all.filter((b) => b.type === 'variable').map((b) => [b.labels[0], b]));
  const locals = new Map();
  for (const b of all.filter((x) => x.type === 'locals')) for (const [k, v] of Object.entries(b.body)) locals.set(k, v);
  const resources = new Map(all.filter((b) => b.type === 'resource').map((b) => [`${b.labels[0]}.${b.labels[1]}`, b]));
  const cache = new Map();
  const memo = (key, f) => {
    if (!cache.has(key)) cache.set(key, f());
    return cache.get(key);
  };

  const scope = new Scope(async (parts, text) => {
    const [root, a, b] = parts.map((p) => p.segment);
    if (root === 'var') {
      const v = await memo(`var.${a}`, async () => {
        const decl = variables.get(a);
        if (!decl) throw new EvalError(`var.${a} is not declared`);
        const given = inputs(a);
        const raw = given !== undefined ? given.value : decl.body.default === undefined ? (() => { throw new EvalError(`var.${a} has no value and no default`); })() : await evaluate(decl.body.default, scope);
        return decl.body.type ? convert(raw, await parseType(decl.body.type), `var.${a}`) : raw;
      });
      return traverse(v, parts, 2, text);
    }
    if (root === 'local') {
      if (!locals.has(a)) throw new EvalError(`local.${a} is not declared`);
      const v = await memo(`local.${a}`, () => evaluate(locals.get(a), scope));
      return traverse(v, parts, 2, text);
    }
    if (root === 'path' && a === 'module') return pathModule;
    const stubKey = root === 'data' ? `data.${a}.${b}` : `${root}.${a}`;
    if (stubKey in stubs) return traverse(stubs[stubKey], parts, root === 'data' ? 3 : 2, text);
    if (resources.has(`${root}.${a}`) && b === 'name' && resources.get(`${root}.${a}`).body.name !== undefined) {
      return memo(`${root}.${a}.name`, () => evaluate(resources.get(`${root}.${a}`).body.name, scope));
    }
    throw new EvalError(`${text} is only known after apply; the evaluator has no value for it`);
  });
  return scope;
}

/** Evaluates `local.<name>` of a module in a scope made by moduleScope. */
export async function evaluateLocal(scope, name) {
  return scope.resolve([{ type: 'nameTraversal', segment: 'local' }, { type: 'nameTraversal', segment: name }], `local.${name}`);
}

export async function evaluateExpression(source, scope) {
  return evaluate(source, scope);
}
