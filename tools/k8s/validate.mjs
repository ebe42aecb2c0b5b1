#!/usr/bin/env node
// Validates Kubernetes manifests offline:
//   - built-in kinds against the Kubernetes API schemas in `kubernetes-models` 5.x (ESM-only,
//     hence this plain-Node tool and a real dynamic import()),
//   - KEDA ScaledObjects with @kubernetes-models/keda, ServiceMonitors with
//     @kubernetes-models/prometheus-operator,
//   - Strimzi / CloudNativePG / redis-operator CRs with the hand-derived schemas of
//     crd-schemas.mjs (ajv).
// What it renders: the chart with its default values, each examples/*.yaml and
// k8s/values-local.yaml, plus every manifest under k8s/.
//   node tools/k8s/validate.mjs [--json] [--file any.yaml]   exit 1 on any invalid document
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crdSchemas } from './crd-schemas.mjs';
import { helm, root } from './helm.mjs';
import { strictFieldErrors } from './strict-fields.mjs';

const require = createRequire(import.meta.url);
const YAML = require('yaml');
const Ajv = require('ajv');

export const chartDir = path.join(root, 'charts', 'live-commerce');

/** The values files the chart is rendered with: defaults, each example, the local one. */
export function valuesSets() {
  const examples = readdirSync(path.join(chartDir, 'examples'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => path.join('charts', 'live-commerce', 'examples', f));
  return [null, ...examples, path.join('k8s', 'values-local.yaml')];
}

export function parseAll(text) {
  return YAML.parseAllDocuments(text)
    .map((d) => d.toJS())
    .filter((d) => d && typeof d === 'object');
}

export function renderChart(valuesFile, extraArgs = []) {
  const args = ['template', 'live', chartDir, '--namespace', 'live', ...(valuesFile ? ['-f', path.join(root, valuesFile)] : []), ...extraArgs];
  const r = helm(args);
  if (r.status !== 0) throw new Error(`helm template ${valuesFile ?? '(defaults)'} failed: ${r.stderr}`);
  return parseAll(r.stdout);
}

function modelPath(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === 'keda.sh') return `@kubernetes-models/keda/keda.sh/${version}/${kind}`;
  if (group === 'monitoring.coreos.com') return `@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}/${kind}`;
  if (group === '' || group.endsWith('.k8s.io') || ['apps', 'batch', 'autoscaling', 'policy'].includes(group)) {
    return `kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`;
  }
  return null;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const crdValidators = Object.fromEntries(Object.entries(crdSchemas).map(([k, s]) => [k, ajv.compile(s)]));

/** Validates one document; returns null or an error message. */
export async function validateDoc(doc) {
  const { apiVersion, kind } = doc;
  if (!apiVersion || !kind) return 'no apiVersion/kind';
  const crd = crdValidators[`${apiVersion}/${kind}`];
  if (crd) return crd(doc) ? null : ajv.errorsText(crd.errors, { dataVar: kind });
  const mod = modelPath(apiVersion, kind);
  if (!mod) return `no schema known for ${apiVersion} ${kind}`;
  let Model;
  try {
    Model = (await import(mod))[kind];
  } catch {
    return `${apiVersion} ${kind} is not a Kubernetes 1.33 API (no model ${mod})`;
  }
  try {
    new Model(doc).validate();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export async function validateAll(files = null) {
  const results = [];
  const docsSeen = [];
  const check = async (source, docs) => {
    for (const doc of docs) {
      docsSeen.push(doc);
      const error = await validateDoc(doc);
      results.push({ source, apiVersion: doc.apiVersion, kind: doc.kind, name: doc.metadata?.name, error });
    }
  };
  if (files) {
    for (const f of files) await check(f, parseAll(readFileSync(f, 'utf8')));
    return finish(results, docsSeen);
  }
  for (const values of valuesSets()) await check(`chart ${values ?? '(default values)'}`, renderChart(values));
  // the optional features on, so their templates are validated too
  await check('chart (keda, serviceMonitor, ingress, web apps)', renderChart(null, ['--set', 'keda.enabled=true,metrics.serviceMonitor.enabled=true,ingress.enabled=true,web.adminConsole.enabled=true,web.viewerWeb.enabled=true']));
  for (const dir of ['kafka', 'postgres', 'redis']) {
    for (const f of readdirSync(path.join(root, 'k8s', dir)).filter((x) => x.endsWith('.yaml'))) {
      await check(`k8s/${dir}/${f}`, parseAll(readFileSync(path.join(root, 'k8s', dir, f), 'utf8')));
    }
  }
  return finish(results, docsSeen);
}

/** Unknown fields: one tsc pass over every document that has a model. */
function finish(results, docsSeen) {
  const typed = results.map((r, i) => ({ r, i, modelPath: modelPath(r.apiVersion, r.kind) })).filter((x) => x.modelPath && !x.r.error);
  const strict = strictFieldErrors(
    typed.map((x) => ({ doc: docsSeen[x.i], modelPath: x.modelPath })),
    root,
  );
  for (const [j, msg] of strict) {
    if (j < 0) throw new Error(`strict field check could not run: ${msg}`);
    typed[j].r.error = `unknown or mistyped field: ${msg}`;
  }
  return results;
}

if (fileURLToPath(import.meta.url) === path.resolve(process.argv[1] ?? '')) {
  const fileArg = process.argv.indexOf('--file');
  const results = await validateAll(fileArg > 0 ? [path.resolve(process.argv[fileArg + 1])] : null);
  const bad = results.filter((r) => r.error);
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify({ checked: results.length, invalid: bad }, null, 2) + '\n');
  } else {
    for (const r of bad) console.error(`INVALID ${r.source}: ${r.kind}/${r.name}: ${r.error}`);
    const kinds = [...new Set(results.map((r) => `${r.apiVersion} ${r.kind}`))].sort();
    console.log(`${results.length} documents checked (${kinds.length} kinds), ${bad.length} invalid`);
  }
  process.exit(bad.length ? 1 : 0);
}
