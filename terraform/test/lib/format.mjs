// terraform fmt's alignment, checked without terraform: in a run of consecutive one-line attributes at one
// indentation (in a block or an object), every "=" stands one space after the longest name. An attribute whose
// value spans lines (`tags = {`) is not aligned with the run and ends it; so do a blank line, a comment and any
// other line. Heredoc bodies are skipped.
import { problem } from './hcl.mjs';

const ATTRIBUTE = /^(\s*)("[^"]*"|[A-Za-z_][A-Za-z0-9_-]*)(\s*)=(?!=)/;
const HEREDOC = /<<-?([A-Z]+)\s*$/;

function opensBracket(line) {
  const code = line.replace(/"([^"\\]|\\.)*"/g, '""').replace(/#.*$/, '');
  let n = 0;
  for (const c of code) {
    if ('[({'.includes(c)) n += 1;
    if ('])}'.includes(c)) n -= 1;
  }
  return n > 0;
}

export function checkAlignment(module) {
  const problems = [];
  for (const file of module.files) {
    let run = [];
    const flush = () => {
      const width = Math.max(...run.map((a) => a.name.length));
      for (const a of run) {
        if (a.equals !== a.indent + width + 1) {
          problems.push(problem(file.rel, a.line, a.equals + 1, 'format',
            `"=" of ${a.name} is not where terraform fmt puts it (column ${a.indent + width + 2})`));
        }
      }
      run = [];
    };
    let heredocEnd = null;
    file.source.split('\n').forEach((text, i) => {
      if (heredocEnd) {
        if (text.trim() === heredocEnd) heredocEnd = null;
        return;
      }
      const m = ATTRIBUTE.exec(text);
      const aligned = m && !opensBracket(text) && !HEREDOC.test(text);
      if (!aligned || (run.length && run[0].indent !== m[1].length)) {
        if (run.length) flush();
      }
      if (aligned) run.push({ line: i + 1, name: m[2], indent: m[1].length, equals: m[1].length + m[2].length + m[3].length });
      const h = HEREDOC.exec(text);
      if (h) heredocEnd = h[1];
    });
    if (run.length) flush();
  }
  return problems;
}
