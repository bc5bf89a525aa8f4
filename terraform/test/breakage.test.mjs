// A deliberately broken copy of a module makes the checker fail, naming the file and the line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { checkTree, TERRAFORM_ROOT } from './lib/checker.mjs';

const MODULE = 'aws-sqs-worker';

/** Copies the module to <tmp>/terraform/modules/<name>, applies edit(fileText) to one file. */
function brokenCopy(file, edit, module = MODULE) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-tf-'));
  const root = path.join(tmp, 'terraform');
  const dir = path.join(root, 'modules', module);
  fs.cpSync(path.join(TERRAFORM_ROOT, 'modules', module), dir, { recursive: true });
  const target = path.join(dir, file);
  const before = fs.readFileSync(target, 'utf8');
  const after = edit(before);
  assert.notEqual(after, before, 'the breakage did not change the file');
  fs.writeFileSync(target, after);
  return { tmp, root, dir, rel: `terraform/modules/${module}/${file}`, text: after };
}

function lineOf(text, needle) {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `${needle} not in the broken file`);
  return text.slice(0, i).split('\n').length;
}

function runCli(root) {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // as the test runner's child, check.mjs would not act as the CLI
  try {
    return { code: 0, out: execFileSync(process.execPath, [path.join(TERRAFORM_ROOT, 'test', 'check.mjs'), '--no-write', root], { encoding: 'utf8', env }) };
  } catch (e) {
    return { code: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

const cases = [
  {
    name: 'syntax error',
    file: 'main.tf',
    rule: 'syntax',
    edit: (s) => s.replace('visibility_timeout_seconds  = var.visibility_timeout_seconds', 'visibility_timeout_seconds  = = var.visibility_timeout_seconds'),
    needle: '= = var.visibility_timeout_seconds',
  },
  {
    name: 'unresolved reference',
    file: 'main.tf',
    rule: 'reference',
    edit: (s) => s.replace('max_receive_count = var.fifo ? var.max_delivery_attempts * 10', 'max_receive_count = var.fifo ? var.max_delivery_attempt * 10'),
    needle: 'var.max_delivery_attempt * 10',
    message: /var\.max_delivery_attempt is not declared/,
  },
  {
    name: 'wildcard IAM action',
    file: 'iam.tf',
    rule: 'iam',
    edit: (s) => s.replace('"sqs:DeleteMessage",', '"sqs:*",'),
    needle: '"sqs:*"',
    message: /action "sqs:\*" has a wildcard/,
  },
  {
    name: 'misaligned "="',
    file: 'main.tf',
    rule: 'format',
    edit: (s) => s.replace(/"SLUICE_QUEUE_\$\{local\.env_key\}_URI"\s+=/, '"SLUICE_QUEUE_${local.env_key}_URI" ='),
    needle: '"SLUICE_QUEUE_${local.env_key}_URI" =',
    message: /not where terraform fmt puts it/,
  },
  {
    name: 'worker that may not send to its own queue (where delivery.emit publishes)',
    file: 'iam.tf',
    reportFile: 'lambda.tf',
    rule: 'emits',
    edit: (s) => s.replace('resources = concat([aws_sqs_queue.queue.arn], var.emits_to)', 'resources = var.emits_to'),
    needle: 'resource "aws_lambda_event_source_mapping" "queue"',
    message: /may not sqs:SendMessage to aws_sqs_queue\.queue/,
  },
  {
    name: 'worker whose emits_to is not granted',
    file: 'iam.tf',
    reportFile: 'lambda.tf',
    rule: 'emits',
    edit: (s) => s.replace('resources = concat([aws_sqs_queue.queue.arn], var.emits_to)', 'resources = [aws_sqs_queue.queue.arn]'),
    needle: 'resource "aws_lambda_event_source_mapping" "queue"',
    message: /emits_to/,
  },
  {
    name: 'Cloud Run worker that may not publish to its own topic',
    module: 'gcp-pubsub-worker',
    file: 'iam.tf',
    reportFile: 'run.tf',
    rule: 'emits',
    edit: (s) => s.replace('  topic   = google_pubsub_topic.topic.name\n  role    = "roles/pubsub.publisher"', '  topic   = google_pubsub_topic.dlq.name\n  role    = "roles/pubsub.publisher"'),
    needle: 'resource "google_cloud_run_v2_service" "worker"',
    message: /may not publish to google_pubsub_topic\.topic/,
  },
  {
    name: 'wildcard IAM resource',
    file: 'iam.tf',
    rule: 'iam',
    edit: (s) => s.replace('sid = "SendToQueue"\n    actions = [\n      "sqs:SendMessage",\n      "sqs:GetQueueUrl",\n    ]\n    resources = [aws_sqs_queue.queue.arn]', 'sid = "SendToQueue"\n    actions = [\n      "sqs:SendMessage",\n      "sqs:GetQueueUrl",\n    ]\n    resources = ["*"]'),
    needle: 'resources = ["*"]',
    message: /resource "\*" has a wildcard/,
  },
  {
    name: 'producer policy holding an action outside the producer\'s set',
    file: 'iam.tf',
    rule: 'roles',
    edit: (s) => s.replace('sid = "SendToQueue"\n    actions = [\n', 'sid = "SendToQueue"\n    actions = [\n      "sqs:PurgeQueue",\n'),
    needle: '"sqs:PurgeQueue"',
    message: /the producer role may not sqs:PurgeQueue/,
  },
  {
    name: 'worker policy that may receive from the DLQ (an action on a resource outside its scope)',
    file: 'iam.tf',
    rule: 'roles',
    edit: (s) => s.replace('      "sqs:GetQueueUrl",\n    ]\n    resources = [aws_sqs_queue.queue.arn]\n  }\n\n  # Permanent', '      "sqs:GetQueueUrl",\n    ]\n    resources = [aws_sqs_queue.queue.arn, aws_sqs_queue.dlq.arn]\n  }\n\n  # Permanent'),
    needle: '"sqs:ReceiveMessage"',
    message: /the worker role may sqs:ReceiveMessage only on aws_sqs_queue\.queue, not on aws_sqs_queue\.dlq/,
  },
  {
    name: 'Pub/Sub service agent subscribed to the DLQ subscription instead of the source subscription',
    module: 'gcp-pubsub-worker',
    file: 'iam.tf',
    rule: 'roles',
    edit: (s) => s.replace('subscription = google_pubsub_subscription.worker.name\n  role         = "roles/pubsub.subscriber"\n  member       = local.pubsub_service_agent', 'subscription = google_pubsub_subscription.dlq.name\n  role         = "roles/pubsub.subscriber"\n  member       = local.pubsub_service_agent'),
    needle: 'subscription = google_pubsub_subscription.dlq.name\n  role         = "roles/pubsub.subscriber"',
    message: /local\.pubsub_service_agent may hold roles\/pubsub\.subscriber only on google_pubsub_subscription\.worker/,
  },
  {
    name: 'runtime account granted a role outside its set',
    module: 'gcp-pubsub-worker',
    file: 'iam.tf',
    rule: 'roles',
    edit: (s) => s.replace('  topic   = google_pubsub_topic.topic.name\n  role    = "roles/pubsub.viewer"', '  topic   = google_pubsub_topic.topic.name\n  role    = "roles/pubsub.subscriber"'),
    needle: '"roles/pubsub.subscriber"\n  member  = google_service_account.runtime.member',
    message: /google_service_account\.runtime may not hold roles\/pubsub\.subscriber/,
  },
  {
    name: 'DLQ without its TLS-only queue policy',
    file: 'queue_policy.tf',
    reportFile: 'main.tf',
    rule: 'tls',
    edit: (s) => s.replace(/resource "aws_sqs_queue_policy" "dlq" \{[^}]*\}\n/, ''),
    needle: 'resource "aws_sqs_queue" "dlq"',
    message: /aws_sqs_queue\.dlq has no queue policy denying requests without TLS/,
  },
  {
    name: 'TLS-only policy that denies only over TLS (SecureTransport true)',
    file: 'queue_policy.tf',
    reportFile: 'main.tf',
    rule: 'tls',
    edit: (s) => s.replace('values   = ["false"]', 'values   = ["true"]'),
    needle: 'resource "aws_sqs_queue" "dlq"',
    message: /no queue policy denying requests without TLS/,
  },
  {
    name: 'push subscription without an OIDC token',
    module: 'gcp-pubsub-worker',
    file: 'main.tf',
    rule: 'push-auth',
    edit: (s) => s.replace(/\n\s*oidc_token \{[^}]*\}\n/, '\n'),
    needle: '  push_config {',
    message: /pushes without an OIDC token/,
  },
  {
    name: 'alarm without an action variable',
    file: 'alarms.tf',
    rule: 'alarm-actions',
    edit: (s) => s.replace('threshold           = var.lambda_throttles_threshold\n  comparison_operator = "GreaterThanThreshold"\n  treat_missing_data  = "notBreaching"\n  alarm_actions       = var.alarm_actions', 'threshold           = var.lambda_throttles_threshold\n  comparison_operator = "GreaterThanThreshold"\n  treat_missing_data  = "notBreaching"\n  alarm_actions       = []'),
    needle: 'alarm_actions       = []',
    message: /lambda_throttles has no alarm_actions from a variable/,
  },
  {
    name: 'alert policy without a notification channel variable',
    module: 'gcp-pubsub-worker',
    file: 'monitoring.tf',
    rule: 'alarm-actions',
    edit: (s) => s.replace('push requests failing"\n  combiner              = "OR"\n  notification_channels = var.alert_notification_channels', 'push requests failing"\n  combiner              = "OR"\n  notification_channels = []'),
    needle: 'notification_channels = []',
    message: /push_errors has no notification_channels from a variable/,
  },
  {
    name: 'alarm on a Lambda metric that does not exist',
    file: 'alarms.tf',
    rule: 'metrics',
    edit: (s) => s.replace('metric_name         = "Throttles"', 'metric_name         = "Throttle"'),
    needle: '"Throttle"',
    message: /AWS\/Lambda has no metric Throttle/,
  },
  {
    name: 'dashboard widget with an SQS metric that does not exist',
    file: 'alarms.tf',
    rule: 'metrics',
    edit: (s) => s.replace('["AWS/SQS", "NumberOfMessagesSent", "QueueName", local.queue_name]', '["AWS/SQS", "NumberOfMessageSent", "QueueName", local.queue_name]'),
    needle: '"NumberOfMessageSent"',
    message: /AWS\/SQS has no metric NumberOfMessageSent/,
  },
  {
    name: 'dashboard widget with a Lambda metric under the SQS dimension',
    file: 'alarms.tf',
    rule: 'metrics',
    edit: (s) => s.replace('["AWS/Lambda", "Invocations", "FunctionName",', '["AWS/Lambda", "Invocations", "QueueName",'),
    needle: '"Invocations", "QueueName"',
    message: /AWS\/Lambda metrics have no dimension QueueName/,
  },
  {
    name: 'alert policy on a Pub/Sub metric that does not exist',
    module: 'gcp-pubsub-worker',
    file: 'monitoring.tf',
    rule: 'metrics',
    edit: (s) => s.replace('subscription/oldest_unacked_message_age\\""', 'subscription/oldest_unacked_age\\""'),
    needle: 'metric.type = \\"pubsub.googleapis.com/subscription/oldest_unacked_age',
    message: /subscription\/oldest_unacked_age is not a Cloud Monitoring metric/,
  },
  {
    name: 'dashboard tile with a topic metric on a subscription',
    module: 'gcp-pubsub-worker',
    file: 'monitoring.tf',
    rule: 'metrics',
    edit: (s) => s.replace('${local.dashboard_dlq} AND metric.type = \\"pubsub.googleapis.com/subscription/num_undelivered_messages', '${local.dashboard_dlq} AND metric.type = \\"pubsub.googleapis.com/topic/send_request_count'),
    needle: 'metric.type = \\"pubsub.googleapis.com/topic/send_request_count',
    message: /topic\/send_request_count is written for resource\.type pubsub_topic, not pubsub_subscription/,
  },
];

for (const c of cases) {
  test(`a ${c.name} fails the check with file and line`, async () => {
    const module = c.module ?? MODULE;
    const { tmp, root, dir, rel: editedRel, text: editedText } = brokenCopy(c.file, c.edit, module);
    const rel = c.reportFile ? `terraform/modules/${module}/${c.reportFile}` : editedRel;
    const text = c.reportFile ? fs.readFileSync(path.join(dir, c.reportFile), 'utf8') : editedText;
    try {
      const expectedLine = lineOf(text, c.needle);
      const { problems } = await checkTree(root, { propertiesFile: null });
      const hits = problems.filter((p) => p.rule === c.rule);
      assert.ok(hits.length >= 1, `expected a ${c.rule} problem, got ${JSON.stringify(problems)}`);
      assert.equal(hits[0].file, rel);
      assert.equal(hits[0].line, expectedLine);
      if (c.message) assert.match(hits[0].message, c.message);

      const cli = runCli(root);
      assert.equal(cli.code, 1, `CLI should exit 1:\n${cli.out}`);
      assert.ok(cli.out.includes(`${rel}:${expectedLine}:`), `CLI output should name ${rel}:${expectedLine}:\n${cli.out}`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
}

test('the unbroken copies pass, so the failures above are the breakages', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-tf-'));
  try {
    const root = path.join(tmp, 'terraform');
    for (const module of [MODULE, 'gcp-pubsub-worker']) {
      fs.cpSync(path.join(TERRAFORM_ROOT, 'modules', module), path.join(root, 'modules', module), { recursive: true });
    }
    const { problems } = await checkTree(root, { propertiesFile: null });
    assert.deepEqual(problems, []);
    assert.equal(runCli(root).code, 0);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
