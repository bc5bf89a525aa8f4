// What each example schedule sends, rendered from the modules' own expressions; the committed
// fixtures (decoded by api's TerraformScheduleDecodeTest) must be current.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadTree, renderFixtures, fixtureText, TERRAFORM_ROOT, FIXTURES_DIR } from './lib/checker.mjs';

const modules = await loadTree(TERRAFORM_ROOT);
const fixtures = await renderFixtures(modules);

test('every example schedule is rendered', () => {
  const names = fixtures.map((f) => f.fileName);
  assert.ok(names.includes('aws-welcome-email.daily-smoke-test.json'), names.join());
  assert.ok(names.includes('gcp-welcome-email.daily-smoke-test.json'), names.join());
});

test('the committed fixtures are current (regenerate with node terraform/test/check.mjs)', () => {
  for (const f of fixtures) {
    const file = path.join(FIXTURES_DIR, f.fileName);
    assert.ok(fs.existsSync(file), `${f.fileName} is missing`);
    assert.equal(fs.readFileSync(file, 'utf8'), fixtureText(f.content), `${f.fileName} is stale`);
  }
  const extra = fs.readdirSync(FIXTURES_DIR).filter((n) => n.endsWith('.json') && !fixtures.some((f) => f.fileName === n));
  assert.deepEqual(extra, [], 'fixtures without a schedule');
});

for (const f of fixtures.filter((x) => x.content.provider === 'aws')) {
  test(`${f.fileName}: the Scheduler input is a structured CloudEvent with literal context placeholders`, () => {
    const c = f.content;
    // jsonencode would have written \u003c...\u003e, which the Scheduler does not substitute.
    assert.ok(c.inputTemplate.includes('"<aws.scheduler.execution-id>"'), c.inputTemplate);
    assert.ok(c.inputTemplate.includes('"<aws.scheduler.scheduled-time>"'), c.inputTemplate);
    assert.ok(!c.inputTemplate.includes('\\u003c'), c.inputTemplate);
    const event = JSON.parse(c.message.body);
    assert.equal(event.specversion, '1.0');
    assert.equal(event.id, c.expected.id);
    assert.equal(event.type, c.expected.type);
    assert.equal(event.source, c.expected.source);
    assert.equal(event.time, c.expected.time);
    assert.equal(event.datacontenttype, 'application/json');
    assert.deepEqual(event.data, c.expected.data);
    assert.ok(Buffer.byteLength(c.message.body) <= 1024 * 1024, 'SQS body limit');
  });
}

for (const f of fixtures.filter((x) => x.content.provider === 'gcp')) {
  test(`${f.fileName}: the Cloud Scheduler message carries JSON data and the sluice-type attribute`, () => {
    const c = f.content;
    assert.deepEqual(JSON.parse(Buffer.from(c.message.data, 'base64').toString('utf8')), c.expected.data);
    assert.deepEqual(c.message.attributes, { 'content-type': 'application/json', 'sluice-type': c.expected.type });
    assert.ok(!Object.keys(c.message.attributes).some((k) => k.startsWith('ce-')), 'a foreign message has no ce-* attributes');
    assert.match(c.queueUri, /^pubsub:\/\/projects\/[^/]+\/topics\/[^?]+\?subscription=.+-worker$/);
    assert.equal(c.expected.source, c.queueUri.split('?')[0]);
  });
}
