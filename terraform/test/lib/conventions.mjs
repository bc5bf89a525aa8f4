// Module hygiene a parser alone does not enforce: every variable has a type and a description;
// every provider the module uses is pinned in required_providers with a bounded version.
import { blocks, locate, problem, headerOffset } from './hcl.mjs';

export function checkVariables(module) {
  const problems = [];
  for (const b of blocks(module)) {
    if (b.type !== 'variable') continue;
    const { line, column } = locate(b.file, b, null);
    if (b.body.type === undefined) problems.push(problem(b.file.rel, line, column, 'variable', `variable "${b.labels[0]}" has no type`));
    if (typeof b.body.description !== 'string' || b.body.description.trim() === '') {
      problems.push(problem(b.file.rel, line, column, 'variable', `variable "${b.labels[0]}" has no description`));
    }
  }
  return problems;
}

/** True when a version constraint has an upper bound (~>, =, exact, or an explicit <). */
export function isPinned(constraint) {
  if (typeof constraint !== 'string' || constraint.trim() === '') return false;
  const parts = constraint.split(',').map((s) => s.trim());
  return parts.some((p) => /^~>\s*\d/.test(p) || /^=?\s*\d+\.\d+\.\d+$/.test(p) || /^<=?\s*\d/.test(p));
}

export function checkProviders(module) {
  const problems = [];
  const all = blocks(module);
  const used = new Map(); // provider name -> block that uses it
  for (const b of all) {
    if (b.type === 'resource' || b.type === 'data') {
      const p = b.labels[0].split('_')[0];
      if (!used.has(p)) used.set(p, b);
    } else if (b.type === 'provider') {
      if (!used.has(b.labels[0])) used.set(b.labels[0], b);
    }
  }
  const required = new Map();
  let terraformBlock = null;
  for (const b of all) {
    if (b.type !== 'terraform') continue;
    terraformBlock = terraformBlock ?? b;
    for (const rp of b.body.required_providers ?? []) {
      for (const [name, spec] of Object.entries(rp)) required.set(name, { spec, block: b });
    }
  }
  for (const [name, { spec, block }] of required) {
    const where = locate(block.file, block, name);
    if (typeof spec !== 'object' || spec === null) {
      problems.push(problem(block.file.rel, where.line, where.column, 'providers', `required_providers.${name} must be an object with source and version`));
      continue;
    }
    if (typeof spec.source !== 'string') problems.push(problem(block.file.rel, where.line, where.column, 'providers', `required_providers.${name} has no source`));
    if (!isPinned(spec.version)) {
      problems.push(problem(block.file.rel, where.line, where.column, 'providers', `required_providers.${name} version ${JSON.stringify(spec.version ?? null)} is not pinned (use "~> X.Y" or an upper bound)`));
    }
  }
  for (const [name, b] of used) {
    if (required.has(name)) continue;
    const { line, column } = locate(b.file, b, null);
    problems.push(problem(b.file.rel, line, column, 'providers', `provider "${name}" is used but not pinned in terraform { required_providers { ... } } of ${module.rel}`));
  }
  if (used.size > 0 || all.some((b) => b.type === 'module')) {
    if (!terraformBlock) {
      const f = module.files[0];
      problems.push(problem(f.rel, 1, 1, 'providers', `${module.rel} has no terraform block with required_version and required_providers`));
    } else if (typeof terraformBlock.body.required_version !== 'string') {
      const off = headerOffset(terraformBlock.file.source, 'terraform', []);
      const line = terraformBlock.file.source.slice(0, off).split('\n').length;
      problems.push(problem(terraformBlock.file.rel, line, 1, 'providers', `${module.rel} does not set required_version`));
    }
  }
  return problems;
}
