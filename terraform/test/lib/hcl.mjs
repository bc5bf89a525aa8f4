// Parsing Terraform with HashiCorp's HCL2 parser (the @cdktf/hcl2json WebAssembly build) and
// locating things in the source text, since hcl2json's JSON output carries no positions.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const hcl2json = require('@cdktf/hcl2json');

/** A problem found by a check: where, which rule, what. */
export function problem(file, line, column, rule, message) {
  return { file, line, column, rule, message };
}

export function formatProblem(p) {
  return `${p.file}:${p.line}:${p.column}: [${p.rule}] ${p.message}`;
}

/** Parses one file. Returns { body } or { errors: [problem...] } with the parser's positions. */
export async function parseFile(relPath, source) {
  try {
    return { body: await hcl2json.parse(relPath, source) };
  } catch (e) {
    return { errors: syntaxErrors(relPath, String(e.message ?? e)) };
  }
}

// hcl2json reports "parse config: [file:L,C-L,C: Summary; Detail. file:L,C-L,C: ...]".
function syntaxErrors(relPath, message) {
  const text = message.replace(/^parse config: \[/, '').replace(/\]$/, '');
  const re = /(?:^|\s)([^\s:]+\.tf):(\d+),(\d+)(?:-\d+(?:,\d+)?)?: /g;
  const marks = [];
  let m;
  while ((m = re.exec(text)) !== null) {
    marks.push({ file: m[1], line: Number(m[2]), column: Number(m[3]), start: m.index, textStart: re.lastIndex });
  }
  if (marks.length === 0) return [problem(relPath, 1, 1, 'syntax', message)];
  return marks.map((mk, i) => {
    const end = i + 1 < marks.length ? marks[i + 1].start : text.length;
    return problem(relPath, mk.line, mk.column, 'syntax', text.slice(mk.textStart, end).trim());
  });
}

/** Every Terraform module directory (a directory holding .tf files) under root, sorted. */
export function findModuleDirs(root) {
  const out = [];
  const visit = (dir) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name.endsWith('.tf'))) out.push(dir);
    for (const e of entries) {
      if (e.isDirectory() && !['node_modules', '.terraform', 'test'].includes(e.name) && !e.name.startsWith('.')) {
        visit(path.join(dir, e.name));
      }
    }
  };
  visit(root);
  return out.sort();
}

/**
 * Loads and parses every .tf file of one module directory.
 * Returns { dir, rel, files: [{ path, rel, source, body }], problems }.
 * `base` is the directory file names are reported relative to.
 */
export async function loadModule(dir, base) {
  const files = [];
  const problems = [];
  const names = fs.readdirSync(dir).filter((n) => n.endsWith('.tf')).sort();
  for (const name of names) {
    const full = path.join(dir, name);
    const rel = path.relative(base, full);
    const source = fs.readFileSync(full, 'utf8');
    const parsed = await parseFile(rel, source);
    if (parsed.errors) problems.push(...parsed.errors);
    files.push({ path: full, rel, source, body: parsed.body ?? null });
  }
  return { dir, rel: path.relative(base, dir) || '.', files, problems };
}

// ---------------------------------------------------------------------------------------------
// Blocks. hcl2json renders `resource "t" "n" { ... }` as { resource: { t: { n: [ {...} ] } } },
// `variable "x" {}` as { variable: { x: [ {...} ] } }, `locals {}` as { locals: [ {...} ] },
// `terraform {}` as { terraform: [ {...} ] }.

const LABELS = { resource: 2, data: 2, variable: 1, output: 1, module: 1, provider: 1, locals: 0, terraform: 0, moved: 0, import: 0, check: 1, removed: 0 };

/** Top-level blocks of a module: [{ file, type, labels, body }]. */
export function blocks(module) {
  const out = [];
  for (const file of module.files) {
    if (!file.body) continue;
    for (const [type, value] of Object.entries(file.body)) {
      const depth = LABELS[type] ?? 0;
      const emit = (v, labels) => {
        if (labels.length === depth) {
          for (const body of Array.isArray(v) ? v : [v]) out.push({ file, type, labels, body });
          return;
        }
        for (const [label, inner] of Object.entries(v)) emit(inner, [...labels, label]);
      };
      emit(value, []);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Expressions. hcl2json keeps every expression as a Terraform JSON-syntax template string
// ("${...}"). To get its syntax tree we parse it again as a heredoc template, where the
// template's literal text needs no escaping.

const HEREDOC = 'EOT_SLUICE_CHECK';

export function isExpressionString(value) {
  return typeof value === 'string' && (value.includes('${') || value.includes('%{'));
}

const astCache = new Map();

/** Syntax tree of a hcl2json string value (a template). */
export async function templateAst(value, file = 'expression.tf') {
  const wrapped = `<<${HEREDOC}\n${value}\n${HEREDOC}\n`;
  if (!astCache.has(wrapped)) {
    astCache.set(wrapped, hcl2json.getExpressionAst(file, wrapped));
  }
  const ast = await astCache.get(wrapped);
  return { ast, text: wrapped };
}

/** Source text of a node, sliced out of the expression it was parsed from. */
export function nodeText(node, text) {
  const buf = Buffer.from(text, 'utf8');
  return buf.subarray(node.range.start.byte, node.range.end.byte).toString('utf8');
}

// ---------------------------------------------------------------------------------------------
// Locating. hcl2json drops positions, so a finding is placed by searching the file's text for
// the block header, then for the offending expression after it.

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function lineCol(source, index) {
  const before = source.slice(0, index);
  const line = before.split('\n').length;
  const column = index - before.lastIndexOf('\n');
  return { line, column };
}

/** Offset of a block's header (`resource "t" "n" {`) in its file's source, or 0. */
export function headerOffset(source, type, labels) {
  const parts = [escapeRe(type), ...labels.map((l) => `(?:"${escapeRe(l)}"|${escapeRe(l)})`)];
  const re = new RegExp(`^[ \\t]*${parts.join('[ \\t]+')}[ \\t]*\\{`, 'm');
  const m = re.exec(source);
  return m ? m.index + m[0].length - m[0].trimStart().length : 0;
}

/**
 * Where `needle` occurs in the file, searching from the block header; whole-token matches only
 * (so var.name does not match var.name_prefix). Falls back to the header itself.
 */
export function locate(file, block, needle) {
  const start = block ? headerOffset(file.source, block.type, block.labels) : 0;
  if (needle) {
    const tokenRe = new RegExp(`${escapeRe(needle)}(?![A-Za-z0-9_-])`, 'g');
    for (const from of [start, 0]) {
      tokenRe.lastIndex = from;
      const m = tokenRe.exec(file.source);
      if (m) return lineCol(file.source, m.index);
    }
  }
  return lineCol(file.source, start);
}
