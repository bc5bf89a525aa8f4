// One source of truth for queue defaults: api/src/main/resources/dev/sluice/queue-defaults.properties.
// The modules' variable defaults must equal it.
import fs from 'node:fs';
import path from 'node:path';
import { blocks, locate, problem } from './hcl.mjs';

export const PROPERTIES_PATH = 'api/src/main/resources/dev/sluice/queue-defaults.properties';

/** java.util.Properties subset: key=value / key: value lines, # and ! comments. */
export function readProperties(file) {
  const out = {};
  for (const raw of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m) out[m[1]] = m[2].trim();
  }
  return out;
}

/** Module variable -> property, per module directory name. */
export const DEFAULTS_MAP = {
  'aws-sqs-worker': {
    max_delivery_attempts: 'maxDeliveryAttempts',
    visibility_timeout_seconds: 'leaseSeconds',
    retry_initial_delay_seconds: 'retry.initialDelaySeconds',
    retry_max_delay_seconds: 'retry.maxDelaySeconds',
    retry_multiplier: 'retry.multiplier',
    concurrency: 'concurrency',
  },
  'gcp-pubsub-worker': {
    max_delivery_attempts: 'maxDeliveryAttempts',
    ack_deadline_seconds: 'leaseSeconds',
    retry_initial_delay_seconds: 'retry.initialDelaySeconds',
    retry_max_delay_seconds: 'retry.maxDelaySeconds',
    retry_multiplier: 'retry.multiplier',
    concurrency: 'concurrency',
  },
};

export function checkDefaults(module, properties, propertiesRel = PROPERTIES_PATH) {
  const map = DEFAULTS_MAP[path.basename(module.dir)];
  if (!map) return [];
  const problems = [];
  const vars = new Map(blocks(module).filter((b) => b.type === 'variable').map((b) => [b.labels[0], b]));
  for (const [variable, key] of Object.entries(map)) {
    const b = vars.get(variable);
    if (!(key in properties)) {
      problems.push(problem(propertiesRel, 1, 1, 'defaults', `${propertiesRel} has no ${key} (needed by ${module.rel} variable "${variable}")`));
      continue;
    }
    if (!b) {
      const f = module.files[0];
      problems.push(problem(f.rel, 1, 1, 'defaults', `${module.rel} has no variable "${variable}" (default must be ${key}=${properties[key]})`));
      continue;
    }
    const expected = Number(properties[key]);
    const actual = b.body.default;
    if (typeof actual !== 'number' || actual !== expected) {
      const { line, column } = locate(b.file, b, 'default');
      problems.push(problem(b.file.rel, line, column, 'defaults',
        `variable "${variable}" defaults to ${JSON.stringify(actual)} but ${propertiesRel} says ${key}=${properties[key]}; they must agree`));
    }
  }
  return problems;
}
