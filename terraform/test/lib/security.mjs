// Least privilege and broker authentication (issue 14), on the parsed HCL of a module that makes queues:
//  - rule "roles": every identity holds only its own actions, on its own resources.
//    AWS (a module with an aws_sqs_queue): every aws_iam_policy_document is one role's, by its name
//    (ROLE_OF_DOCUMENT), and each statement's actions must be in that role's set, each on the resources the
//    set allows for it (the queue, the DLQ, var.emits_to, the KMS key, the function's log group). Policies
//    attached to roles or written as aws_iam_policy must come from such a document (a jsonencode'd policy
//    would escape the check). KMS grants may only Decrypt and GenerateDataKey.
//    GCP (a module with a google_pubsub_topic): every google_*_iam_member's member is one of PRINCIPALS,
//    and may hold only that principal's roles, each on the resources listed for it.
//  - rule "tls": every aws_sqs_queue has an aws_sqs_queue_policy whose document denies sqs:* when
//    aws:SecureTransport is false.
//  - rule "push-auth": every push subscription signs its requests with an OIDC token (push_config.oidc_token
//    with a service_account_email).
import { blocks, locate, problem } from './hcl.mjs';

const text = (v) => JSON.stringify(v ?? null);

// ---------------------------------------------------------------------------------------------- AWS roles

const QUEUE = 'aws_sqs_queue.queue';
const DLQ = 'aws_sqs_queue.dlq';
const KEY = ['var.kms_key_arn', 'statement.value'];
const LOGS = ['aws_cloudwatch_log_group.function'];

/** Each role: action -> the resource references it may name. */
export const AWS_ROLES = {
  worker: {
    'sqs:ReceiveMessage': [QUEUE],
    'sqs:DeleteMessage': [QUEUE],
    'sqs:ChangeMessageVisibility': [QUEUE],
    'sqs:GetQueueAttributes': [QUEUE, DLQ],
    'sqs:GetQueueUrl': [QUEUE, DLQ, 'var.emits_to'],
    'sqs:SendMessage': [QUEUE, DLQ, 'var.emits_to'],
    'logs:CreateLogStream': LOGS,
    'logs:PutLogEvents': LOGS,
    'kms:Decrypt': KEY,
    'kms:GenerateDataKey': KEY,
  },
  producer: {
    'sqs:SendMessage': [QUEUE],
    'sqs:GetQueueUrl': [QUEUE],
    'kms:GenerateDataKey': KEY,
    'kms:Decrypt': KEY,
  },
  operator: {
    'sqs:ReceiveMessage': [DLQ],
    'sqs:DeleteMessage': [DLQ],
    'sqs:GetQueueAttributes': [DLQ],
    'sqs:GetQueueUrl': [DLQ, QUEUE],
    'sqs:StartMessageMoveTask': [DLQ],
    'sqs:ListMessageMoveTasks': [DLQ],
    'sqs:CancelMessageMoveTask': [DLQ],
    'sqs:SendMessage': [QUEUE],
    'kms:Decrypt': KEY,
    'kms:GenerateDataKey': KEY,
  },
  // trust policies: who may assume the role, nothing on resources
  assume: { 'sts:AssumeRole': [] },
  // queue policies take access away (TLS only); they grant nothing
  'queue policy': {},
};

/** Which role a policy document is, by its name. */
export function roleOfDocument(name) {
  if (/_assume$/.test(name)) return 'assume';
  return { function: 'worker', worker: 'worker', producer: 'producer', scheduler: 'producer', operator: 'operator', tls_only: 'queue policy' }[name] ?? null;
}

const KMS_GRANT_OPERATIONS = new Set(['Decrypt', 'GenerateDataKey']);

function statements(body) {
  const out = [...(body.statement ?? [])];
  for (const d of body.dynamic?.statement ?? []) out.push(...(d.content ?? []));
  return out;
}

// The references a resources list names: resources of this module, variables, iterator values.
function resourceRefs(value) {
  const t = text(value);
  const refs = t.match(/\b(?:aws_[a-z0-9_]+\.[A-Za-z0-9_-]+|var\.[A-Za-z0-9_]+|statement\.value|each\.value)/g) ?? [];
  const literals = (Array.isArray(value) ? value : [value]).filter((v) => typeof v === 'string' && !v.includes('${'));
  return [...new Set(refs), ...literals.map((l) => `"${l}"`)];
}

function checkAwsRoles(module, all, report) {
  if (!all.some((b) => b.type === 'resource' && b.labels[0] === 'aws_sqs_queue')) return;
  for (const doc of all.filter((b) => b.type === 'data' && b.labels[0] === 'aws_iam_policy_document')) {
    const role = roleOfDocument(doc.labels[1]);
    if (!role) {
      report(doc, null, 'roles', `policy document "${doc.labels[1]}" is no known role's: name it producer, function (the worker), operator, scheduler, tls_only or *_assume, so that the check knows which actions it may hold`);
      continue;
    }
    const allowed = AWS_ROLES[role];
    for (const st of statements(doc.body)) {
      if (st.effect === 'Deny') continue;
      const actions = Array.isArray(st.actions) ? st.actions : [st.actions];
      for (const a of actions) {
        if (typeof a !== 'string') continue;
        if (!(a in allowed)) {
          report(doc, JSON.stringify(a), 'roles', `the ${role} role may not ${a} (its actions: ${Object.keys(allowed).join(', ') || 'none, only Deny statements'}) (in data "aws_iam_policy_document" "${doc.labels[1]}")`);
          continue;
        }
        if (role === 'assume') continue;
        let refs = resourceRefs(st.resources);
        // each.value: the document's for_each values
        if (refs.includes('each.value')) refs = [...refs.filter((r) => r !== 'each.value'), ...resourceRefs(doc.body.for_each)];
        for (const r of refs) {
          if (!allowed[a].includes(r)) {
            report(doc, JSON.stringify(a), 'roles', `the ${role} role may ${a} only on ${allowed[a].join(', ')}, not on ${r} (in data "aws_iam_policy_document" "${doc.labels[1]}")`);
          }
        }
        if (refs.length === 0) report(doc, JSON.stringify(a), 'roles', `${a} names no resource of this module (in data "aws_iam_policy_document" "${doc.labels[1]}")`);
      }
    }
  }
  const policyHolders = all.filter((b) => b.type === 'resource' && /^aws_(iam_role_policy|iam_policy|sqs_queue_policy)$/.test(b.labels[0]));
  for (const p of policyHolders) {
    if (!/^\$\{data\.aws_iam_policy_document\.[A-Za-z0-9_-]+(\[[^\]]+\])?\.json\}$/.test(p.body.policy ?? '')) {
      report(p, null, 'roles', `${p.labels[0]}.${p.labels[1]}: write the policy as a data "aws_iam_policy_document" named for its role, so that its actions can be checked`);
    }
  }
  for (const g of all.filter((b) => b.type === 'resource' && b.labels[0] === 'aws_kms_grant')) {
    for (const op of [].concat(g.body.operations ?? [])) {
      if (!KMS_GRANT_OPERATIONS.has(op)) report(g, JSON.stringify(op), 'roles', `KMS grant ${g.labels[1]} may only Decrypt and GenerateDataKey, not ${op}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------- GCP roles

const TOPIC = 'google_pubsub_topic.topic';
const DLQ_TOPIC = 'google_pubsub_topic.dlq';
const WORKER_SUB = 'google_pubsub_subscription.worker';
const DLQ_SUB = 'google_pubsub_subscription.dlq';

/** Each principal (the member expression): role -> the resources it may hold it on. */
export const GCP_PRINCIPALS = {
  'google_service_account.runtime': {
    'roles/pubsub.publisher': [TOPIC, DLQ_TOPIC, 'var.emits_to'],
    'roles/pubsub.viewer': [TOPIC, DLQ_TOPIC, WORKER_SUB, DLQ_SUB],
  },
  'google_service_account.push': {
    'roles/run.invoker': ['google_cloud_run_v2_service.worker'],
  },
  'local.pubsub_service_agent': {
    'roles/pubsub.publisher': [DLQ_TOPIC],
    'roles/pubsub.subscriber': [WORKER_SUB],
    'roles/iam.serviceAccountTokenCreator': ['google_service_account.push'],
    'roles/cloudkms.cryptoKeyEncrypterDecrypter': ['var.kms_key_name'],
  },
  'var.publisher_members': {
    'roles/pubsub.publisher': [TOPIC],
  },
  'var.operator_members': {
    'roles/pubsub.subscriber': [DLQ_SUB],
    'roles/pubsub.publisher': [TOPIC],
  },
};

const TARGET_ATTRIBUTES = ['topic', 'subscription', 'name', 'service_account_id', 'crypto_key_id'];
const ref = (v) => (text(v).match(/\b(?:google_[a-z0-9_]+\.[A-Za-z0-9_-]+|local\.[A-Za-z0-9_]+|var\.[A-Za-z0-9_]+|each\.value)/) ?? [])[0];

function checkGcpRoles(module, all, report) {
  if (!all.some((b) => b.type === 'resource' && b.labels[0] === 'google_pubsub_topic')) return;
  for (const g of all.filter((b) => b.type === 'resource' && /^google_.+_iam_member$/.test(b.labels[0]))) {
    const resolve = (r) => (r === 'each.value' ? ref(g.body.for_each) : r);
    const member = resolve(ref(g.body.member));
    const where = `resource "${g.labels[0]}" "${g.labels[1]}"`;
    const allowed = GCP_PRINCIPALS[member];
    if (!allowed) {
      const literal = typeof g.body.member === 'string' && !g.body.member.includes('${') ? JSON.stringify(g.body.member) : null;
      report(g, literal ?? ref(g.body.member) ?? 'member', 'roles', `member ${member ?? text(g.body.member)} is none of this module's principals (${Object.keys(GCP_PRINCIPALS).join(', ')}) (in ${where})`);
      continue;
    }
    const role = g.body.role;
    if (!(role in allowed)) {
      report(g, JSON.stringify(role), 'roles', `${member} may not hold ${role} (its roles: ${Object.keys(allowed).join(', ')}) (in ${where})`);
      continue;
    }
    const attr = TARGET_ATTRIBUTES.find((k) => k in g.body);
    const target = attr && resolve(ref(g.body[attr]));
    if (!allowed[role].includes(target)) {
      report(g, attr, 'roles', `${member} may hold ${role} only on ${allowed[role].join(', ')}, not on ${target ?? 'an unnamed resource'} (in ${where})`);
    }
  }
}

// ---------------------------------------------------------------------------------------------- TLS only

function deniesInsecureTransport(doc) {
  return statements(doc.body).some((st) => st.effect === 'Deny'
    && [].concat(st.actions ?? []).some((a) => a === 'sqs:*')
    && (st.condition ?? []).some((c) => c.test === 'Bool' && c.variable === 'aws:SecureTransport' && [].concat(c.values ?? []).includes('false')));
}

function checkTlsOnly(module, all, report) {
  const policies = all.filter((b) => b.type === 'resource' && b.labels[0] === 'aws_sqs_queue_policy');
  const docs = all.filter((b) => b.type === 'data' && b.labels[0] === 'aws_iam_policy_document');
  for (const queue of all.filter((b) => b.type === 'resource' && b.labels[0] === 'aws_sqs_queue')) {
    const self = `aws_sqs_queue.${queue.labels[1]}.`;
    const covered = policies.filter((p) => text(p.body.queue_url).includes(self)).some((p) => {
      const name = (/data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)/.exec(text(p.body.policy)) ?? [])[1];
      const doc = docs.find((d) => d.labels[1] === name);
      return doc && deniesInsecureTransport(doc) && text(doc.body).includes(`${self}arn`);
    });
    if (!covered) {
      report(queue, null, 'tls', `aws_sqs_queue.${queue.labels[1]} has no queue policy denying requests without TLS (an aws_sqs_queue_policy whose document has effect = "Deny", actions = ["sqs:*"] and condition Bool aws:SecureTransport = "false" on its ARN)`);
    }
  }
}

// ---------------------------------------------------------------------------------------------- push auth

function checkPushAuth(module, all, report) {
  for (const sub of all.filter((b) => b.type === 'resource' && b.labels[0] === 'google_pubsub_subscription')) {
    for (const push of [].concat(sub.body.push_config ?? [])) {
      const token = [].concat(push.oidc_token ?? [])[0];
      if (!token || !token.service_account_email) {
        report(sub, 'push_config', 'push-auth', `google_pubsub_subscription.${sub.labels[1]} pushes without an OIDC token: add push_config { oidc_token { service_account_email, audience } } so the service can require authentication`);
      }
    }
    if (sub.body.dynamic?.push_config) {
      report(sub, 'push_config', 'push-auth', `google_pubsub_subscription.${sub.labels[1]}: a dynamic push_config cannot be shown to carry an OIDC token; write it out`);
    }
  }
}

export function checkSecurity(module) {
  const all = blocks(module);
  const problems = [];
  const report = (block, needle, rule, message) => {
    const { line, column } = locate(block.file, block, needle);
    problems.push(problem(block.file.rel, line, column, rule, message));
  };
  checkAwsRoles(module, all, report);
  checkGcpRoles(module, all, report);
  checkTlsOnly(module, all, report);
  checkPushAuth(module, all, report);
  return problems;
}
