// The real tree: both modules and both examples parse and pass every check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { checkTree, TERRAFORM_ROOT } from './lib/checker.mjs';
import { formatProblem } from './lib/hcl.mjs';

const { problems, modules } = await checkTree(TERRAFORM_ROOT);
const rel = (d) => path.relative(TERRAFORM_ROOT, d);
const only = (rule) => problems.filter((p) => p.rule === rule).map(formatProblem);

test('the tree holds both modules and both examples', () => {
  const dirs = [...modules.keys()].map(rel);
  for (const d of ['modules/aws-sqs-worker', 'modules/gcp-pubsub-worker', 'examples/aws-welcome-email', 'examples/gcp-welcome-email']) {
    assert.ok(dirs.includes(d), `${d} missing; found ${dirs.join(', ')}`);
  }
});

test('every .tf file parses with the HCL2 parser', () => {
  const files = [...modules.values()].flatMap((m) => m.files);
  assert.ok(files.length >= 10, `only ${files.length} .tf files found`);
  assert.deepEqual(only('syntax'), []);
  for (const f of files) assert.ok(f.body, `${f.rel} did not parse`);
});

test('every var., local., module., data. and resource reference resolves', () => {
  assert.deepEqual(only('reference'), []);
});

test('every variable has a type and a description', () => {
  assert.deepEqual(only('variable'), []);
});

test('provider versions are pinned in required_providers', () => {
  assert.deepEqual(only('providers'), []);
});

test('no IAM statement grants * actions or resources', () => {
  assert.deepEqual(only('iam'), []);
});

test('module defaults equal queue-defaults.properties', () => {
  assert.deepEqual(only('defaults'), []);
});

test('no problem of any kind', () => {
  assert.deepEqual(problems.map(formatProblem), []);
});
