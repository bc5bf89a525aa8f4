// Alarms, alert policies and dashboards (issue 12), on the parsed HCL:
//  - rule "alarm-actions": every aws_cloudwatch_metric_alarm sends alarm_actions, and every
//    google_monitoring_alert_policy notifies notification_channels, taken from a variable (so the user
//    can route them; an empty literal list would make a silent alarm).
//  - rule "metrics": every metric an alarm, alert policy or dashboard names exists for its namespace or
//    resource type: AWS alarms (namespace, metric_name, dimension names), AWS dashboard widgets
//    (["AWS/<ns>", "<metric>", "<dimension>", ...]), and every `metric.type = "..."` in the source of a
//    module with Cloud Monitoring resources (filters of alert policies and dashboards, and the locals they
//    are built from), checked against the `resource.type` the same filter names.
// The lists below are the clouds' documented metrics for the resources these modules make (CloudWatch:
// "Available CloudWatch metrics for Amazon SQS", "Lambda function metrics"; Cloud Monitoring: "Google Cloud
// metrics", pubsub and run). A metric not listed here is refused: add it with its documentation page.
import { blocks, locate, problem } from './hcl.mjs';

const text = (v) => JSON.stringify(v ?? null);

export const AWS_METRICS = {
  'AWS/SQS': {
    dimensions: ['QueueName'],
    metrics: [
      'ApproximateAgeOfOldestMessage', 'ApproximateNumberOfMessagesDelayed', 'ApproximateNumberOfMessagesNotVisible',
      'ApproximateNumberOfMessagesVisible', 'NumberOfEmptyReceives', 'NumberOfDeduplicatedSentMessages',
      'NumberOfMessagesDeleted', 'NumberOfMessagesReceived', 'NumberOfMessagesSent', 'SentMessageSize',
    ],
  },
  'AWS/Lambda': {
    dimensions: ['FunctionName', 'Resource', 'ExecutedVersion'],
    metrics: [
      'Invocations', 'Errors', 'Throttles', 'Duration', 'ConcurrentExecutions', 'UnreservedConcurrentExecutions',
      'ClaimedAccountConcurrency', 'DeadLetterErrors', 'DestinationDeliveryFailures', 'IteratorAge',
      'ProvisionedConcurrencyInvocations', 'ProvisionedConcurrencySpilloverInvocations', 'ProvisionedConcurrencyUtilization',
      'ProvisionedConcurrentExecutions', 'RecursiveInvocationsDropped', 'PostRuntimeExtensionsDuration',
    ],
  },
};

/** Cloud Monitoring metric type -> the monitored resource type it is written for. */
export const GCP_METRICS = Object.fromEntries([
  ...['num_undelivered_messages', 'oldest_unacked_message_age', 'push_request_count', 'push_request_latencies',
    'dead_letter_message_count', 'ack_message_count', 'sent_message_count', 'expired_ack_deadlines_count',
    'num_outstanding_messages', 'oldest_retained_acked_message_age', 'num_retained_acked_messages', 'byte_cost',
    'delivery_latency_health_score', 'num_unacked_messages_by_region', 'oldest_unacked_message_age_by_region',
    'backlog_bytes', 'pull_request_count', 'streaming_pull_response_count', 'nack_requests']
    .map((m) => [`pubsub.googleapis.com/subscription/${m}`, 'pubsub_subscription']),
  ...['send_message_operation_count', 'send_request_count', 'message_sizes', 'byte_cost',
    'num_unacked_messages_by_region', 'oldest_unacked_message_age_by_region', 'num_retained_acked_messages_by_region']
    .map((m) => [`pubsub.googleapis.com/topic/${m}`, 'pubsub_topic']),
  ...['request_count', 'request_latencies', 'container/instance_count', 'container/billable_instance_time',
    'container/cpu/utilizations', 'container/memory/utilizations', 'container/max_request_concurrencies',
    'container/startup_latencies', 'container/network/received_bytes_count', 'container/network/sent_bytes_count']
    .map((m) => [`run.googleapis.com/${m}`, 'cloud_run_revision']),
]);

function alarmProblems(all, report) {
  for (const a of all.filter((b) => b.type === 'resource' && b.labels[0] === 'aws_cloudwatch_metric_alarm')) {
    if (!/\bvar\.[A-Za-z0-9_]+/.test(text(a.body.alarm_actions))) {
      report(a, a.body.alarm_actions === undefined ? null : 'alarm_actions', 'alarm-actions', `aws_cloudwatch_metric_alarm.${a.labels[1]} has no alarm_actions from a variable (var.alarm_actions): nobody would be told`);
    }
    const queries = [{ namespace: a.body.namespace, metric_name: a.body.metric_name, dimensions: a.body.dimensions }];
    for (const q of [].concat(a.body.metric_query ?? [])) {
      for (const m of [].concat(q.metric ?? [])) queries.push(m);
    }
    for (const q of queries) {
      if (q.namespace === undefined && q.metric_name === undefined) continue;
      checkAwsMetric(q.namespace, q.metric_name, Object.keys([].concat(q.dimensions ?? [])[0] ?? {}), (needle, message) => report(a, needle, 'metrics', `${message} (in aws_cloudwatch_metric_alarm.${a.labels[1]})`));
    }
  }
  for (const p of all.filter((b) => b.type === 'resource' && b.labels[0] === 'google_monitoring_alert_policy')) {
    if (!/\bvar\.[A-Za-z0-9_]+/.test(text(p.body.notification_channels))) {
      report(p, p.body.notification_channels === undefined ? null : 'notification_channels', 'alarm-actions', `google_monitoring_alert_policy.${p.labels[1]} has no notification_channels from a variable (var.alert_notification_channels): nobody would be told`);
    }
  }
}

function checkAwsMetric(namespace, metric, dimensions, report) {
  const ns = AWS_METRICS[namespace];
  if (!ns) {
    report(JSON.stringify(namespace), `namespace ${namespace} is not one of ${Object.keys(AWS_METRICS).join(', ')}`);
    return;
  }
  if (!ns.metrics.includes(metric)) report(JSON.stringify(metric), `${namespace} has no metric ${metric}`);
  for (const d of dimensions) {
    if (!ns.dimensions.includes(d)) report(d, `${namespace} metrics have no dimension ${d} (only ${ns.dimensions.join(', ')})`);
  }
}

// ["AWS/SQS", "Metric", "Dimension", value, ...] in a dashboard body's source.
const WIDGET_METRIC = /\[\s*"(AWS\/[A-Za-z0-9]+)"\s*,\s*"([^"]+)"(?:\s*,\s*"([A-Za-z]+)")?/g;

function dashboardProblems(all, report) {
  for (const d of all.filter((b) => b.type === 'resource' && b.labels[0] === 'aws_cloudwatch_dashboard')) {
    const body = String(d.body.dashboard_body ?? '');
    let found = 0;
    for (const m of body.matchAll(WIDGET_METRIC)) {
      found += 1;
      checkAwsMetric(m[1], m[2], m[3] ? [m[3]] : [], (_, message) => report(d, m[0], 'metrics', `${message} (in aws_cloudwatch_dashboard.${d.labels[1]})`));
    }
    if (found === 0) report(d, null, 'metrics', `aws_cloudwatch_dashboard.${d.labels[1]} names no metric as ["AWS/<namespace>", "<metric>", ...]`);
  }
}

// metric.type = "..." and resource.type = "..." as written in HCL source (quotes escaped inside a string).
const METRIC_TYPE = /metric\.type\s*=\s*\\"([^"\\]+)\\"/g;
const RESOURCE_TYPE = /resource\.type\s*=\s*\\"([^"\\]+)\\"/;
const LOCAL_REF = /\$\{local\.([A-Za-z0-9_]+)\}/g;

function gcpMetricProblems(module, all) {
  const problems = [];
  if (!all.some((b) => b.type === 'resource' && /^google_monitoring_(alert_policy|dashboard)$/.test(b.labels[0]))) return problems;
  // each local's source line, to find the resource.type a filter takes from a local
  const localLines = new Map();
  for (const file of module.files) {
    for (const line of file.source.split('\n')) {
      const m = /^\s*([A-Za-z0-9_]+)\s*=\s*"(.*)"\s*$/.exec(line);
      if (m) localLines.set(m[1], m[2]);
    }
  }
  const resourceTypeOf = (line, depth = 0) => {
    const direct = RESOURCE_TYPE.exec(line);
    if (direct) return direct[1];
    if (depth > 3) return null;
    for (const m of line.matchAll(LOCAL_REF)) {
      const inner = localLines.has(m[1]) ? resourceTypeOf(localLines.get(m[1]), depth + 1) : null;
      if (inner) return inner;
    }
    return null;
  };
  for (const file of module.files) {
    file.source.split('\n').forEach((line, i) => {
      for (const m of line.matchAll(METRIC_TYPE)) {
        const where = (msg) => problems.push(problem(file.rel, i + 1, m.index + 1, 'metrics', msg));
        const wanted = GCP_METRICS[m[1]];
        if (!wanted) {
          where(`${m[1]} is not a Cloud Monitoring metric of ${[...new Set(Object.values(GCP_METRICS))].join(', ')}`);
          continue;
        }
        const resourceType = resourceTypeOf(line);
        if (resourceType && resourceType !== wanted) where(`${m[1]} is written for resource.type ${wanted}, not ${resourceType}`);
      }
    });
  }
  return problems;
}

export function checkMonitoring(module) {
  const all = blocks(module);
  const problems = [];
  const report = (block, needle, rule, message) => {
    const { line, column } = locate(block.file, block, needle);
    problems.push(problem(block.file.rel, line, column, rule, message));
  };
  alarmProblems(all, report);
  dashboardProblems(all, report);
  problems.push(...gcpMetricProblems(module, all));
  return problems;
}
