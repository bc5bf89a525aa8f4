// Runs every check over terraform/: parse (syntax), references, variables, providers, IAM,
// defaults; and renders the schedule fixtures.
import fs from 'node:fs';
import path from 'node:path';
import { findModuleDirs, loadModule } from './hcl.mjs';
import { declarations, checkReferences } from './references.mjs';
import { checkVariables, checkProviders } from './conventions.mjs';
import { checkIam } from './iam.mjs';
import { checkDefaults, readProperties, PROPERTIES_PATH } from './defaults.mjs';
import { renderExampleSchedules } from './schedules.mjs';
import { checkAlignment } from './format.mjs';
import { renderExampleRuntime } from './runtime.mjs';
import { checkEmitGrants } from './emits.mjs';
import { checkSecurity } from './security.mjs';
import { checkMonitoring } from './monitoring.mjs';

export const TERRAFORM_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const REPO_ROOT = path.resolve(TERRAFORM_ROOT, '..');
export const FIXTURES_DIR = path.join(TERRAFORM_ROOT, 'test', 'fixtures');

/** Loads every module directory under root; returns Map(absDir -> module with declarations). */
export async function loadTree(root) {
  const modules = new Map();
  for (const dir of findModuleDirs(root)) {
    const m = await loadModule(dir, path.dirname(root) === root ? root : path.dirname(root));
    m.declarations = declarations(m);
    modules.set(dir, m);
  }
  return modules;
}

/**
 * Checks the tree under `root` (terraform/ or a copy of part of it). `propertiesFile` is the
 * queue-defaults.properties to compare module defaults with (null skips that check).
 * Returns { problems, modules }.
 */
export async function checkTree(root, { propertiesFile = path.join(REPO_ROOT, PROPERTIES_PATH) } = {}) {
  const modules = await loadTree(root);
  const problems = [];
  const properties = propertiesFile && fs.existsSync(propertiesFile) ? readProperties(propertiesFile) : null;
  for (const m of modules.values()) {
    problems.push(...m.problems);
    if (m.problems.length > 0) continue; // a file that does not parse cannot be checked further
    problems.push(...(await checkReferences(m, modules)));
    problems.push(...checkVariables(m));
    problems.push(...checkProviders(m));
    problems.push(...(await checkIam(m)));
    problems.push(...checkAlignment(m));
    problems.push(...checkEmitGrants(m));
    problems.push(...checkSecurity(m));
    problems.push(...checkMonitoring(m));
    if (properties) problems.push(...checkDefaults(m, properties));
  }
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  return { problems, modules };
}

/** Renders the fixtures of every example (schedules, the Cloud Run runtime's start): [{ fileName, content }]. */
export async function renderFixtures(modules) {
  const out = [];
  for (const m of modules.values()) {
    if (!m.dir.includes(`${path.sep}examples${path.sep}`)) continue;
    out.push(...(await renderExampleSchedules(m, modules)));
    out.push(...(await renderExampleRuntime(m, modules)));
  }
  return out.sort((a, b) => a.fileName.localeCompare(b.fileName));
}

export function fixtureText(content) {
  return `${JSON.stringify(content, null, 2)}\n`;
}
