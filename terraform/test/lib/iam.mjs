// Least privilege: no IAM statement grants "*" actions or resources.
//  - data "aws_iam_policy_document": statement (and dynamic "statement") actions/not_actions,
//    resources/not_resources;
//  - policies written with jsonencode({... Statement = [{ Action = ..., Resource = ... }] });
//  - AWS-managed policy attachments (their documents use "*" resources);
//  - google_*_iam_* grants: basic and admin roles, wildcard roles, public members, and grants
//    on a whole project, folder or organisation.
// Deny statements are not checked: they take access away ("Deny sqs:* to everyone without TLS").
// The one exception among grants: log streams of the function's own log group, "${aws_cloudwatch_log_group.X.arn}:*",
// in a statement whose actions are only logs:CreateLogStream / logs:PutLogEvents.
import { blocks, templateAst, nodeText, locate, problem, isExpressionString } from './hcl.mjs';
import { walkExpressions, walkLiterals, children, visitAst } from './walk.mjs';

const LOG_STREAM_ACTIONS = new Set(['logs:CreateLogStream', 'logs:PutLogEvents']);
const OWN_LOG_STREAMS = /^\$\{aws_cloudwatch_log_group\.[A-Za-z0-9_-]+\.arn\}:\*$/;

/**
 * The strings of a policy field value as written: plain strings, and templates (their source).
 * An expression that is not a string or a list of strings (a variable, a function call) yields
 * no strings: its value is unknown here.
 */
async function fieldStrings(value) {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.filter((v) => typeof v === 'string');
  if (typeof value !== 'string') return [];
  if (!isExpressionString(value)) return [value];
  const { ast, text } = await templateAst(value);
  return stringsInAst(ast, text);
}

// String templates directly in a tuple or as the value itself, rendered back to their source form.
function stringsInAst(node, text) {
  const out = [];
  const collect = (n) => {
    if (!n) return;
    if (n.type === 'template' && typeof n.meta?.value === 'string' && n.meta.value.startsWith('"')) {
      out.push(templateSource(n, text));
    } else if (n.type === 'tuple') {
      children(n).forEach(collect);
    } else if (n.type === 'template' && !n.meta?.value?.startsWith('"')) {
      // the heredoc wrapper around a hcl2json value
      children(n).forEach(collect);
    }
  };
  collect(node);
  return out;
}

// A quoted template as a JSON-syntax string: literals as they are, interpolations as ${...}.
function templateSource(node, text) {
  return children(node)
    .map((c) => (c.type === 'literalValue' ? c.meta.value : `\${${nodeText(c, text)}}`))
    .join('');
}

function statementProblems(actions, resources, notActions, notResources) {
  const issues = [];
  for (const a of [...actions, ...notActions]) {
    if (a.includes('*')) issues.push({ needle: JSON.stringify(a), message: `action "${a}" has a wildcard; name the actions` });
  }
  const logsOnly = actions.length > 0 && actions.every((a) => LOG_STREAM_ACTIONS.has(a));
  for (const r of [...resources, ...notResources]) {
    if (!r.includes('*')) continue;
    if (logsOnly && OWN_LOG_STREAMS.test(r)) continue;
    issues.push({ needle: JSON.stringify(r), message: `resource "${r}" has a wildcard; name the resources (only the function's own log streams, "\${aws_cloudwatch_log_group.<name>.arn}:*", may end in :*)` });
  }
  return issues;
}

function statementsOf(body) {
  const out = [...(body.statement ?? [])];
  for (const inst of body.dynamic?.statement ?? []) out.push(...(inst.content ?? []));
  return out;
}

// Value node of key `name` in an object node (keys may be bare or quoted).
function objectField(obj, text, names) {
  const cs = children(obj);
  for (let i = 0; i + 1 < cs.length; i += 2) {
    const key = nodeText(cs[i], text).trim().replace(/^"(.*)"$/, '$1');
    if (names.includes(key)) return cs[i + 1];
  }
  return null;
}

function stringsOfNode(node, text) {
  if (!node) return [];
  if (node.type === 'tuple') return stringsInAst(node, text);
  if (node.type === 'template') return stringsInAst(node, text);
  return [];
}

export async function checkIam(module) {
  const problems = [];
  const report = (block, needle, message) => {
    const { line, column } = locate(block.file, block, needle);
    problems.push(problem(block.file.rel, line, column, 'iam', message));
  };

  for (const block of blocks(module)) {
    const [type, name] = block.labels;
    const where = `${block.type} "${type}" "${name}"`;

    if (block.type === 'data' && type === 'aws_iam_policy_document') {
      for (const st of statementsOf(block.body)) {
        if (st.effect === 'Deny') continue; // a Deny narrows access: "Deny sqs:* without TLS" grants nothing
        const issues = statementProblems(
          await fieldStrings(st.actions),
          await fieldStrings(st.resources),
          await fieldStrings(st.not_actions),
          await fieldStrings(st.not_resources),
        );
        for (const i of issues) report(block, i.needle, `${i.message} (in ${where})`);
      }
    }

    // jsonencode'd policies anywhere: objects with Action/Resource keys.
    if (block.type === 'resource' || block.type === 'data') {
      const exprs = [];
      walkExpressions(block.body, (v) => exprs.push(v));
      for (const value of exprs) {
        const { ast, text } = await templateAst(value, block.file.rel);
        const statements = [];
        visitAst(ast, (n) => {
          if (n.type === 'object' && objectField(n, text, ['Action', 'NotAction', 'Resource', 'NotResource'])) statements.push(n);
        });
        for (const st of statements) {
          if (stringsOfNode(objectField(st, text, ['Effect']), text).includes('Deny')) continue;
          const issues = statementProblems(
            stringsOfNode(objectField(st, text, ['Action']), text),
            stringsOfNode(objectField(st, text, ['Resource']), text),
            stringsOfNode(objectField(st, text, ['NotAction']), text),
            stringsOfNode(objectField(st, text, ['NotResource']), text),
          );
          for (const i of issues) report(block, i.needle, `${i.message} (in ${where}, jsonencode'd policy)`);
        }
      }
    }

    if (block.type === 'resource' && /^aws_iam_(role_policy_attachment|policy_attachment|user_policy_attachment|group_policy_attachment)$/.test(type)) {
      const arn = block.body.policy_arn;
      if (typeof arn === 'string' && arn.includes(':iam::aws:policy/')) {
        report(block, arn, `AWS-managed policy ${arn} grants on "*" resources; attach a policy scoped to this module's resources (in ${where})`);
      }
    }

    const googleGrant = (block.type === 'resource' && /^google_.+_iam_(member|binding|policy)$/.test(type)) ||
      (block.type === 'data' && type === 'google_iam_policy');
    if (googleGrant) {
      if (/^google_(project|folder|organization)_iam_/.test(type)) {
        report(block, null, `${type} grants on a whole ${type.split('_')[1]}; grant on the topic, subscription, service or account instead (in ${where})`);
      }
      walkLiterals(block.body, (s, p) => {
        const key = p.filter((k) => typeof k === 'string').pop();
        if (key === 'role') {
          if (s.includes('*') || /^roles\/(owner|editor|viewer)$/.test(s) || /\.admin$/.test(s)) {
            report(block, JSON.stringify(s), `role ${s} is broader than this module needs (in ${where})`);
          }
        }
        if (key === 'member' || key === 'members') {
          if (s === 'allUsers' || s === 'allAuthenticatedUsers') report(block, JSON.stringify(s), `member ${s} makes the grant public (in ${where})`);
        }
      });
    }
  }
  return problems;
}
