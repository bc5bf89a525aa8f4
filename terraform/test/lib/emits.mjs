// Follow-up events are allowed where the worker emits. delivery.emit publishes to the worker's own queue by
// default, and the application lists the other queues it emits to in var.emits_to. A worker module must let its
// runtime identity send there, and only there:
//  - AWS (a module with an aws_lambda_function): a statement of a policy attached to the function's role grants
//    sqs:SendMessage on the queue the event source mapping reads and on var.emits_to;
//  - GCP (a module with a google_cloud_run_v2_service): google_pubsub_topic_iam_member grants roles/pubsub.publisher
//    to the service's account on the topic its push subscription reads, and on each of var.emits_to.
import { blocks, locate, problem } from './hcl.mjs';

const text = (v) => JSON.stringify(v ?? null);
const ref = (v, re) => (re.exec(text(v)) ?? [])[1];

function statements(body) {
  const out = [...(body.statement ?? [])];
  for (const d of body.dynamic?.statement ?? []) out.push(...(d.content ?? []));
  return out;
}

export function checkEmitGrants(module) {
  const all = blocks(module);
  const resources = (type) => all.filter((b) => b.type === 'resource' && b.labels[0] === type);
  const problems = [];
  const report = (block, message) => {
    const { line, column } = locate(block.file, block, null);
    problems.push(problem(block.file.rel, line, column, 'emits', message));
  };
  const declaresEmitsTo = all.some((b) => b.type === 'variable' && b.labels[0] === 'emits_to');

  for (const mapping of resources('aws_lambda_event_source_mapping')) {
    const queue = ref(mapping.body.event_source_arn, /aws_sqs_queue\.([A-Za-z0-9_-]+)\.arn/);
    if (!queue) continue;
    // only the policies attached to the role the function runs as
    const fn = resources('aws_lambda_function').find((f) => text(f.body.role).includes('aws_iam_role.'));
    const role = fn && ref(fn.body.role, /aws_iam_role\.([A-Za-z0-9_-]+)\./);
    const documents = resources('aws_iam_role_policy').filter((p) => text(p.body.role).includes(`aws_iam_role.${role}.`))
      .map((p) => ref(p.body.policy, /data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json/));
    const sends = all.filter((b) => b.type === 'data' && b.labels[0] === 'aws_iam_policy_document' && documents.includes(b.labels[1]))
      .flatMap((b) => statements(b.body))
      .filter((st) => text(st.actions).includes('"sqs:SendMessage"'));
    if (!sends.some((st) => text(st.resources).includes(`aws_sqs_queue.${queue}.arn`))) {
      report(mapping, `the function's role may not sqs:SendMessage to aws_sqs_queue.${queue}, the queue it consumes: delivery.emit publishes there by default, so follow-up events would be denied, retried and dead-lettered`);
    }
    if (!declaresEmitsTo || !sends.some((st) => text(st.resources).includes('var.emits_to'))) {
      report(mapping, 'no variable "emits_to" granted sqs:SendMessage: the queues the handlers emit follow-up events to cannot be allowed');
    }
  }

  for (const service of resources('google_cloud_run_v2_service')) {
    const account = ref(service.body.template, /google_service_account\.([A-Za-z0-9_-]+)\.email/);
    const push = resources('google_pubsub_subscription').find((s) => text(s.body.push_config).includes(`google_cloud_run_v2_service.${service.labels[1]}.`));
    const topic = push && ref(push.body.topic, /google_pubsub_topic\.([A-Za-z0-9_-]+)\.(?:id|name)/);
    if (!account || !topic) continue;
    const grants = resources('google_pubsub_topic_iam_member').filter((g) => g.body.role === 'roles/pubsub.publisher'
      && text(g.body.member).includes(`google_service_account.${account}.`));
    if (!grants.some((g) => text(g.body.topic).includes(`google_pubsub_topic.${topic}.`))) {
      report(service, `the service's account (google_service_account.${account}) may not publish to google_pubsub_topic.${topic}, the topic it consumes: delivery.emit publishes there by default, so follow-up events would be denied, retried and dead-lettered`);
    }
    if (!declaresEmitsTo || !grants.some((g) => text(g.body.for_each).includes('var.emits_to'))) {
      report(service, 'no variable "emits_to" granted roles/pubsub.publisher: the topics the handlers emit follow-up events to cannot be allowed');
    }
  }
  return problems;
}
