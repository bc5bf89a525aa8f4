#!/usr/bin/env node
// The Terraform checker's command line: prints every problem as file:line:column, writes the
// schedule fixtures, exits 1 when anything is wrong.
//   node terraform/test/check.mjs [dir]       check terraform/ (or dir) and write fixtures
//   node terraform/test/check.mjs --no-write  check only
import fs from 'node:fs';
import path from 'node:path';
import { checkTree, renderFixtures, fixtureText, TERRAFORM_ROOT, FIXTURES_DIR } from './lib/checker.mjs';
import { formatProblem } from './lib/hcl.mjs';

// node --test runs every .mjs under test/, this file included: there it is not the CLI.
if (process.env.NODE_TEST_CONTEXT === undefined) {
  const args = process.argv.slice(2);
  const write = !args.includes('--no-write');
  const root = path.resolve(args.find((a) => !a.startsWith('--')) ?? TERRAFORM_ROOT);
  const { problems, modules } = await checkTree(root);
  for (const p of problems) console.log(formatProblem(p));
  let fixtures = [];
  if (root === TERRAFORM_ROOT && problems.length === 0) {
    fixtures = await renderFixtures(modules);
    if (write) {
      fs.mkdirSync(FIXTURES_DIR, { recursive: true });
      for (const f of fixtures) {
        fs.mkdirSync(path.dirname(path.join(FIXTURES_DIR, f.fileName)), { recursive: true });
        fs.writeFileSync(path.join(FIXTURES_DIR, f.fileName), fixtureText(f.content));
      }
    }
  }
  console.log(`checked ${modules.size} Terraform modules (${[...modules.values()].reduce((n, m) => n + m.files.length, 0)} files): ${problems.length} problem(s)` +
    (fixtures.length ? `; ${write ? 'wrote' : 'rendered'} ${fixtures.length} fixture(s) in ${path.relative(process.cwd(), FIXTURES_DIR) || '.'}` : ''));
  process.exitCode = problems.length === 0 ? 0 : 1;
}
