#!/usr/bin/env node
// Runs every fenced block of the repository's READMEs that is marked runnable, as a reader would paste it:
//
//   ```bash runnable              (optionally: ```bash runnable timeout=300, in seconds; 600 by default)
//   mvn -B -q install -DskipTests
//   ```
//
// Each block runs in a fresh `bash -euo pipefail` in the repository root, in the order of the files (README.md
// first, then the others by path) and of the blocks in them, so a block may rely on one before it (the install
// before the demo). Blocks that start servers, deploy, or need a cloud are not marked.
//   node .ci/readme-commands.mjs          run them; exits 1 if any fails
//   node .ci/readme-commands.mjs --list   only list them
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const BLOCK = /^```(?:bash|sh) runnable([^\n]*)\n([\s\S]*?)^```\s*$/gm;

export function runnableBlocks(file, text) {
  const blocks = [];
  for (const m of text.matchAll(BLOCK)) {
    const timeout = Number((/timeout=(\d+)/.exec(m[1]) ?? [])[1] ?? 600);
    blocks.push({ file, line: text.slice(0, m.index).split('\n').length, timeout, code: m[2] });
  }
  return blocks;
}

function readmes() {
  const files = execFileSync('git', ['ls-files', '*.md'], { cwd: root, encoding: 'utf8' }).split('\n')
    .filter((f) => f.endsWith('README.md') && !f.includes('archetype-resources'));
  return files.sort((a, b) => (a === 'README.md' ? -1 : b === 'README.md' ? 1 : a.localeCompare(b)));
}

if (process.env.NODE_TEST_CONTEXT === undefined) {
  const blocks = readmes().flatMap((f) => runnableBlocks(f, fs.readFileSync(path.join(root, f), 'utf8')));
  if (process.argv.includes('--list')) {
    for (const b of blocks) console.log(`${b.file}:${b.line} (${b.timeout}s)\n${b.code}`);
  } else {
    let passed = 0;
    let failed = 0;
    for (const b of blocks) {
      console.log(`== ${b.file}:${b.line}\n${b.code.trimEnd()}`);
      const started = Date.now();
      const r = spawnSync('bash', ['-euo', 'pipefail', '-c', b.code], { cwd: root, stdio: 'inherit', timeout: b.timeout * 1000 });
      const took = `${Math.round((Date.now() - started) / 1000)}s`;
      if (r.status === 0) {
        passed += 1;
        console.log(`== ok ${b.file}:${b.line} (${took})`);
      } else {
        failed += 1;
        console.log(`== FAILED ${b.file}:${b.line} (${took}): ${r.error ? r.error.message : `exit ${r.status ?? r.signal}`}`);
      }
    }
    console.log(`README commands: ${passed} passed, ${failed} failed`);
    process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
  }
}
