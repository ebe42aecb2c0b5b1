// Unknown-field check for the built-in and KEDA/prometheus-operator kinds. The schemas in
// kubernetes-models accept any extra key, so a typo (`readinesProbe`) would pass validation
// and be dropped by the API server. TypeScript's excess-property check on object literals
// catches it: each manifest becomes `const dN: IKind = <its JSON>` against the models' own
// type declarations, and tsc reports any key the type does not have.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const ts = require('typescript');

/** docs: [{ doc, modelPath }] -> Map(index -> message) of the documents with unknown or mistyped fields */
export function strictFieldErrors(entries, root) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'k8s-strict-'));
  const lines = [];
  entries.forEach(({ doc, modelPath }, i) => {
    const abs = path.join(root, 'node_modules', `${modelPath}.d.ts`);
    lines.push(`import type { I${doc.kind} as T${i} } from ${JSON.stringify(abs.replace(/\.d\.ts$/, ''))};`);
    lines.push(`export const d${i}: T${i} = ${JSON.stringify(doc)};`);
  });
  const file = path.join(dir, 'manifests.ts');
  writeFileSync(file, lines.join('\n'));
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
    types: [],
  });
  const errors = new Map();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    if (!d.file || d.file.fileName !== file) {
      errors.set(-1, `${errors.get(-1) ?? ''}${ts.flattenDiagnosticMessageText(d.messageText, ' ')} `);
      continue;
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    const m = /^export const d(\d+)/.exec(lines[line] ?? '');
    const i = m ? Number(m[1]) : -1;
    const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ').replace(/\s+/g, ' ').slice(0, 400);
    errors.set(i, errors.has(i) ? `${errors.get(i)}; ${msg}` : msg);
  }
  return errors;
}
