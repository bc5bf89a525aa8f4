// Each rule of the checker on small synthetic modules: what it catches and what it lets through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkTree } from './lib/checker.mjs';
import { tfJsonEncode, moduleScope, evaluate } from './lib/evaluate.mjs';
import { loadModule } from './lib/hcl.mjs';
import { isPinned } from './lib/conventions.mjs';

const PINNED = `terraform {
  required_version = ">= 1.9.0"
  required_providers {
    aws    = { source = "hashicorp/aws", version = "~> 6.0" }
    google = { source = "hashicorp/google", version = "~> 7.0" }
  }
}
`;

async function check(files) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-rule-'));
  try {
    const dir = path.join(tmp, 'terraform', 'm');
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    const { problems } = await checkTree(path.join(tmp, 'terraform'), { propertiesFile: null });
    return problems;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

test('a jsonencode\'d policy with Resource "*" is reported at its line', async () => {
  const problems = await check({
    'versions.tf': PINNED,
    'main.tf': `resource "aws_iam_role_policy" "p" {
  role = "r"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["sqs:SendMessage"]
      Resource = "*"
    }]
  })
}
`,
  });
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.equal(problems[0].rule, 'iam');
  assert.equal(problems[0].line, 8);
});

test('log streams of the function\'s own log group may end in :*, nothing else may', async () => {
  const doc = (actions, resource) => `${PINNED}
resource "aws_cloudwatch_log_group" "fn" { name = "/aws/lambda/x" }
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ${actions}
    resources = ["${resource}"]
  }
}
`;
  assert.deepEqual(await check({ 'main.tf': doc('["logs:CreateLogStream", "logs:PutLogEvents"]', '${aws_cloudwatch_log_group.fn.arn}:*') }), []);
  const wider = await check({ 'main.tf': doc('["logs:CreateLogStream", "sqs:SendMessage"]', '${aws_cloudwatch_log_group.fn.arn}:*') });
  assert.equal(wider.length, 1, JSON.stringify(wider));
  const star = await check({ 'main.tf': doc('["logs:PutLogEvents"]', 'arn:aws:logs:*:*:*') });
  assert.equal(star.length, 1, JSON.stringify(star));
});

test('broad or public Google grants are reported', async () => {
  const problems = await check({
    'main.tf': `${PINNED}
resource "google_pubsub_topic" "t" { name = "t" }
resource "google_pubsub_topic_iam_member" "a" {
  topic  = google_pubsub_topic.t.name
  role   = "roles/editor"
  member = "allUsers"
}
resource "google_project_iam_member" "b" {
  project = "p"
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:x@p.iam.gserviceaccount.com"
}
`,
  });
  const messages = problems.map((p) => p.message).join('\n');
  assert.match(messages, /roles\/editor/);
  assert.match(messages, /allUsers/);
  assert.match(messages, /whole project/);
});

test('unpinned or missing providers, untyped or undescribed variables are reported', async () => {
  const problems = await check({
    'main.tf': `terraform {
  required_version = ">= 1.9.0"
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.0" }
  }
}
variable "a" { description = "has no type" }
variable "b" { type = string }
resource "aws_sqs_queue" "q" { name = var.a }
resource "google_pubsub_topic" "t" { name = var.b }
`,
  });
  const messages = problems.map((p) => `${p.line}: ${p.message}`);
  assert.ok(messages.some((m) => /^4: .*aws.*not pinned/.test(m)), messages.join('\n'));
  assert.ok(messages.some((m) => /^10: .*provider "google" is used but not pinned/.test(m)), messages.join('\n'));
  assert.ok(messages.some((m) => /^7: variable "a" has no type/.test(m)), messages.join('\n'));
  assert.ok(messages.some((m) => /^8: variable "b" has no description/.test(m)), messages.join('\n'));
});

test('names bound by for expressions, dynamic iterators, count and each are not references', async () => {
  const problems = await check({
    'main.tf': `${PINNED}
variable "m" {
  type        = map(string)
  description = "m"
}
locals {
  l = { for k, v in var.m : k => upper(v) if k != "x" }
}
resource "aws_sqs_queue" "q" {
  for_each = local.l
  name     = "\${each.key}-\${each.value}"
  dynamic "tag" {
    for_each = var.m
    content { key = tag.key }
  }
}
resource "aws_sqs_queue" "c" {
  count = 2
  name  = "c\${count.index}"
  tags  = { a = each.key, b = nope.thing, c = local.missing, d = aws_sqs_queue.absent.arn, e = data.x_y.z.id, "\${var.gone}" = 1 }
}
`,
  });
  const refs = problems.filter((p) => p.rule === 'reference').map((p) => p.message);
  assert.equal(refs.length, 6, refs.join('\n'));
  for (const r of [/var\.gone is not declared/, /each\.key used in a block without for_each/, /unknown reference "nope\.thing"/, /local\.missing/, /aws_sqs_queue\.absent/, /data\.x_y\.z/]) {
    assert.ok(refs.some((m) => r.test(m)), `${r} not in\n${refs.join('\n')}`);
  }
});

test('version constraints: only bounded ones count as pinned', () => {
  for (const v of ['~> 6.0', '~> 7.2.1', '6.4.0', '= 6.4.0', '>= 6.0, < 7.0']) assert.ok(isPinned(v), v);
  for (const v of ['>= 6.0', '', undefined, '> 1']) assert.ok(!isPinned(v), String(v));
});

test('jsonencode matches Terraform: sorted keys, no spaces, HTML characters escaped', () => {
  assert.equal(tfJsonEncode({ b: 1, a: ['<x>', true, null], c: { z: 'a&b', y: 1.5 } }), '{"a":["\\u003cx\\u003e",true,null],"b":1,"c":{"y":1.5,"z":"a\\u0026b"}}');
});

test('the evaluator applies optional() defaults and template escapes', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-eval-'));
  try {
    fs.writeFileSync(path.join(tmp, 'main.tf'), `variable "s" {
  type        = list(object({ name = string, data = optional(string, "{}"), tz = optional(string) }))
  description = "s"
}
locals {
  out = { for s in var.s : s.name => "\${s.name}:\${jsonencode(jsondecode(s.data))}:\${s.tz == null ? "none" : s.tz} $\${lit} \\"q\\"" }
}
`);
    const m = await loadModule(tmp, tmp);
    const scope = moduleScope(m, { inputs: (n) => (n === 's' ? { value: [{ name: 'a' }, { name: 'b', data: '{"k":"v"}', tz: 'UTC' }] } : undefined) });
    const out = await evaluate('${local.out}', scope);
    assert.deepEqual(out, { a: 'a:{}:none ${lit} "q"', b: 'b:{"k":"v"}:UTC ${lit} "q"' });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('aws-sqs-worker: maxReceiveCount is SqsCapabilities.maxReceiveCount (attempts; 10 times them on FIFO)', async () => {
  const { TERRAFORM_ROOT } = await import('./lib/checker.mjs');
  const { evaluateLocal } = await import('./lib/evaluate.mjs');
  const m = await loadModule(path.join(TERRAFORM_ROOT, 'modules', 'aws-sqs-worker'), TERRAFORM_ROOT);
  const count = (fifo, attempts) => evaluateLocal(moduleScope(m, {
    inputs: (n) => (n === 'fifo' ? { value: fifo } : n === 'max_delivery_attempts' ? { value: attempts } : undefined),
  }), 'max_receive_count');
  assert.equal(await count(false, 3), 3);
  assert.equal(await count(false, 1000), 1000);
  assert.equal(await count(true, 3), 30);
  assert.equal(await count(true, 100), 1000);
});

test('a Deny statement may name sqs:* (it takes access away); the same as Allow is reported', async () => {
  const doc = (effect) => `${PINNED}
resource "aws_sqs_queue" "q" { name = "q" }
data "aws_iam_policy_document" "tls_only" {
  statement {
    effect    = "${effect}"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.q.arn]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}
resource "aws_sqs_queue_policy" "q" {
  queue_url = aws_sqs_queue.q.id
  policy    = data.aws_iam_policy_document.tls_only.json
}
`;
  assert.deepEqual(await check({ 'main.tf': doc('Deny') }), []);
  const allow = await check({ 'main.tf': doc('Allow') });
  assert.ok(allow.some((p) => p.rule === 'iam' && /sqs:\*/.test(p.message)), JSON.stringify(allow));
  assert.ok(allow.some((p) => p.rule === 'tls'), JSON.stringify(allow));
  assert.ok(allow.some((p) => p.rule === 'roles'), 'a queue policy grants nothing');
});

// Lines: PINNED is 7 lines and a blank one, so the first block below it is on line 9.
test('in a queue module, an unnamed role\'s document and a jsonencode\'d policy are reported (rule roles)', async () => {
  const problems = await check({
    'main.tf': `${PINNED}
resource "aws_sqs_queue" "queue" { name = "q" }
data "aws_iam_policy_document" "misc" {
  statement {
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.queue.arn]
  }
}
resource "aws_iam_policy" "inline" {
  name   = "inline"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["sqs:SendMessage"], Resource = [aws_sqs_queue.queue.arn] }] })
}
resource "aws_kms_grant" "g" {
  name              = "g"
  key_id            = "k"
  grantee_principal = "p"
  operations        = ["Decrypt", "CreateGrant"]
}
`,
  });
  const roles = problems.filter((p) => p.rule === 'roles').map((p) => `${p.line}: ${p.message}`);
  assert.ok(roles.some((m) => /^10: policy document "misc" is no known role's/.test(m)), roles.join('\n'));
  assert.ok(roles.some((m) => /^16: aws_iam_policy\.inline: write the policy as a data "aws_iam_policy_document"/.test(m)), roles.join('\n'));
  assert.ok(roles.some((m) => /^24: KMS grant g may only Decrypt and GenerateDataKey, not CreateGrant/.test(m)), roles.join('\n'));
  assert.ok(problems.some((p) => p.rule === 'tls' && p.line === 9), 'a queue without a TLS-only policy');
});

test('a GCP grant to a member outside the module\'s principals is reported', async () => {
  const problems = await check({
    'main.tf': `${PINNED}
resource "google_pubsub_topic" "topic" { name = "t" }
resource "google_pubsub_topic_iam_member" "x" {
  topic  = google_pubsub_topic.topic.name
  role   = "roles/pubsub.publisher"
  member = "user:someone@example.com"
}
`,
  });
  assert.ok(problems.some((p) => p.rule === 'roles' && p.line === 13 && /none of this module's principals/.test(p.message)), JSON.stringify(problems));
});
