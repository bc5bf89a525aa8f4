// The modules' defaults come from api/src/main/resources/dev/sluice/queue-defaults.properties,
// and the modules set every SLUICE_* variable the runtime reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTree, TERRAFORM_ROOT, REPO_ROOT } from './lib/checker.mjs';
import { checkDefaults, readProperties, DEFAULTS_MAP, PROPERTIES_PATH } from './lib/defaults.mjs';
import { blocks } from './lib/hcl.mjs';

const modules = await loadTree(TERRAFORM_ROOT);
const properties = readProperties(path.join(REPO_ROOT, PROPERTIES_PATH));
const moduleNamed = (name) => modules.get(path.join(TERRAFORM_ROOT, 'modules', name));

for (const name of Object.keys(DEFAULTS_MAP)) {
  test(`${name}: attempts, lease and backoff defaults equal queue-defaults.properties`, () => {
    const m = moduleNamed(name);
    const vars = new Map(blocks(m).filter((b) => b.type === 'variable').map((b) => [b.labels[0], b.body]));
    for (const [variable, key] of Object.entries(DEFAULTS_MAP[name])) {
      assert.equal(vars.get(variable)?.default, Number(properties[key]), `${name} var.${variable} vs ${key}`);
    }
    assert.deepEqual(checkDefaults(m, properties), []);
  });

  test(`${name}: a drifted queue-defaults.properties fails the check, naming the variable's line`, () => {
    const m = moduleNamed(name);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-props-'));
    try {
      const file = path.join(tmp, 'queue-defaults.properties');
      const text = fs.readFileSync(path.join(REPO_ROOT, PROPERTIES_PATH), 'utf8').replace(/^maxDeliveryAttempts=.*$/m, 'maxDeliveryAttempts=7');
      fs.writeFileSync(file, text);
      const problems = checkDefaults(m, readProperties(file));
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.match(problems[0].message, /variable "max_delivery_attempts" defaults to 5 but .* maxDeliveryAttempts=7/);
      const varFile = m.files.find((f) => f.rel === problems[0].file);
      assert.ok(varFile, problems[0].file);
      const line = varFile.source.split('\n')[problems[0].line - 1];
      assert.match(line, /default\s*=\s*5/, `line ${problems[0].line} is "${line}"`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
}

const REQUIRED_ENV = ['URI', 'DLQ', 'MAX_DELIVERY_ATTEMPTS', 'RETRY', 'RETRY_INITIAL_DELAY', 'RETRY_MAX_DELAY', 'RETRY_MULTIPLIER', 'LEASE', 'CONCURRENCY', 'PROVISIONING'];

async function sluiceEnvKeys(m) {
  const locals = blocks(m).find((b) => b.type === 'locals' && 'sluice_env' in b.body);
  assert.ok(locals, `${m.rel} has no local.sluice_env`);
  // hcl2json renders the object constructor as a JSON object; its keys are templates.
  assert.equal(typeof locals.body.sluice_env, 'object');
  return Object.keys(locals.body.sluice_env);
}

for (const [name, extra] of [['aws-sqs-worker', []], ['gcp-pubsub-worker', ['SLUICE_PUSH_AUDIENCE', 'SLUICE_PUSH_SERVICE_ACCOUNT']]]) {
  test(`${name}: sets every SLUICE_* variable the runtime reads`, async () => {
    const keys = await sluiceEnvKeys(moduleNamed(name));
    const expected = ['SLUICE_MODULES', ...REQUIRED_ENV.map((s) => `SLUICE_QUEUE_\${local.env_key}_${s}`), ...extra];
    assert.deepEqual([...keys].sort(), [...expected].sort());
  });
}
