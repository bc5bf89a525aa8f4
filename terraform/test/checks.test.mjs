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

test('each AWS policy and GCP grant holds only its role\'s actions on its own resources', () => {
  assert.deepEqual(only('roles'), []);
});

test('every queue has a TLS-only queue policy; every push subscription has an OIDC token', () => {
  assert.deepEqual(only('tls'), []);
  assert.deepEqual(only('push-auth'), []);
});

test('every alarm and alert policy notifies a variable; every metric named exists for its resource type', () => {
  assert.deepEqual(only('alarm-actions'), []);
  assert.deepEqual(only('metrics'), []);
});

test('the modules have the alarms, alert policies and dashboards the README lists', () => {
  const types = new Map();
  for (const m of modules.values()) {
    for (const f of m.files) {
      for (const [t, byName] of Object.entries(f.body?.resource ?? {})) {
        for (const n of Object.keys(byName)) types.set(`${rel(m.dir)}:${t}.${n}`, true);
      }
    }
  }
  for (const r of [
    'aws_cloudwatch_metric_alarm.dlq_depth', 'aws_cloudwatch_metric_alarm.oldest_message_age',
    'aws_cloudwatch_metric_alarm.lambda_errors', 'aws_cloudwatch_metric_alarm.lambda_throttles',
    'aws_cloudwatch_dashboard.worker', 'aws_sqs_queue_policy.queue', 'aws_sqs_queue_policy.dlq',
    'aws_iam_policy.producer', 'aws_iam_policy.operator',
  ]) assert.ok(types.has(`modules/aws-sqs-worker:${r}`), r);
  for (const r of [
    'google_monitoring_alert_policy.dlq_backlog', 'google_monitoring_alert_policy.oldest_unacked_age',
    'google_monitoring_alert_policy.push_errors', 'google_monitoring_dashboard.worker',
    'google_kms_crypto_key_iam_member.pubsub_agent',
  ]) assert.ok(types.has(`modules/gcp-pubsub-worker:${r}`), r);
});
