// docs/openapi.yaml is the contract: it must be a well-formed OpenAPI 3.1
// document, list exactly the routes the server has, and be what the server
// serves at /api/v1/openapi.yaml.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

import { ROOT, startServer } from '../helpers.mjs';

const DOC_PATH = path.join(ROOT, 'docs/openapi.yaml');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// Parses the document, failing on any YAML error or warning (duplicate
// keys included).
function loadDoc() {
  const text = readFileSync(DOC_PATH, 'utf8');
  const parsed = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const problems = [...parsed.errors, ...parsed.warnings].map((e) => e.message);
  assert.deepEqual(problems, [], `docs/openapi.yaml does not parse cleanly:\n${problems.join('\n')}`);
  return parsed.toJS();
}

// Every operation of the document as {method, path, op, item}.
function operations(doc) {
  const out = [];
  for (const [p, item] of Object.entries(doc.paths ?? {})) {
    for (const m of METHODS) {
      if (item[m] !== undefined) out.push({ method: m.toUpperCase(), path: p, op: item[m], item });
    }
  }
  return out;
}

// Resolves a local JSON pointer ("#/components/schemas/User") in doc;
// undefined when it points nowhere.
function resolvePointer(doc, ref) {
  if (typeof ref !== 'string' || !ref.startsWith('#')) return undefined;
  const pointer = decodeURIComponent(ref.slice(1));
  if (pointer === '') return doc;
  if (!pointer.startsWith('/')) return undefined;
  let node = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

// Follows $ref chains of a Reference Object (parameters, responses ...).
function deref(doc, node) {
  const seen = new Set();
  while (node && typeof node === 'object' && typeof node.$ref === 'string') {
    if (seen.has(node.$ref)) return undefined;
    seen.add(node.$ref);
    node = resolvePointer(doc, node.$ref);
  }
  return node;
}

// Every $ref in the document with where it sits.
function collectRefs(node, where = '#', out = []) {
  if (Array.isArray(node)) {
    node.forEach((v, i) => collectRefs(v, `${where}/${i}`, out));
  } else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref') out.push({ where, ref: v });
      else collectRefs(v, `${where}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
    }
  }
  return out;
}

// An operation needs no sign-in when its effective security is empty or
// allows an empty requirement.
function isPublic(doc, op) {
  const security = op.security ?? doc.security ?? [];
  return security.length === 0 || security.some((req) => Object.keys(req).length === 0);
}

test('docs/openapi.yaml is a well-formed OpenAPI 3.1 document', () => {
  const doc = loadDoc();

  assert.equal(typeof doc.openapi, 'string', 'openapi must be a string');
  assert.ok(doc.openapi.startsWith('3.1'), `openapi is ${doc.openapi}, want 3.1.x`);
  assert.ok(doc.info?.title && doc.info?.version, 'info needs a title and a version');

  const broken = collectRefs(doc)
    .filter(({ ref }) => resolvePointer(doc, ref) === undefined)
    .map(({ where, ref }) => `${where}: ${JSON.stringify(ref)}`);
  assert.deepEqual(broken, [], `$refs that do not resolve inside the document:\n${broken.join('\n')}`);

  const ops = operations(doc);
  assert.ok(ops.length > 0, 'the document has no operations');

  const schemes = Object.keys(doc.components?.securitySchemes ?? {});
  const ids = new Map();
  const faults = [];
  for (const { method, path: p, op, item } of ops) {
    const name = `${method} ${p}`;
    const id = op.operationId;
    if (typeof id !== 'string' || id === '') faults.push(`${name}: no operationId`);
    else if (ids.has(id)) faults.push(`${name}: operationId ${id} already used by ${ids.get(id)}`);
    else ids.set(id, name);

    const codes = Object.keys(op.responses ?? {});
    if (!codes.some((c) => /^2(\d\d|XX)$/.test(c))) faults.push(`${name}: no 2xx response`);
    for (const c of codes) {
      if (deref(doc, op.responses[c]) === undefined) faults.push(`${name}: response ${c} does not resolve`);
    }
    if (!isPublic(doc, op) && !codes.includes('401')) faults.push(`${name}: needs sign-in but documents no 401`);

    for (const req of op.security ?? doc.security ?? []) {
      for (const s of Object.keys(req)) {
        if (!schemes.includes(s)) faults.push(`${name}: unknown security scheme ${s}`);
      }
    }

    // Every {param} of the path is declared as a required path parameter.
    const declared = [...(item.parameters ?? []), ...(op.parameters ?? [])]
      .map((prm) => deref(doc, prm))
      .filter((prm) => prm?.in === 'path' && prm.required === true)
      .map((prm) => prm.name);
    for (const [, param] of p.matchAll(/\{([^}]+)\}/g)) {
      if (!declared.includes(param)) faults.push(`${name}: path parameter {${param}} not declared`);
    }
  }
  assert.deepEqual(faults, [], `operations with faults:\n${faults.join('\n')}`);
});

test('the route table and docs/openapi.yaml list the same routes', () => {
  const bin = process.env.REGISTRY_BIN;
  assert.ok(bin, "REGISTRY_BIN is not set: run the tests through 'make test'");
  const r = spawnSync(bin, ['routes'], {
    encoding: 'utf8',
    cwd: ROOT,
    env: { ...process.env, REGISTRY_ROOT: ROOT },
  });
  assert.equal(r.error, undefined, `cannot run ${bin} routes: ${r.error?.message}`);
  assert.equal(r.status, 0, `${bin} routes exited ${r.status} (signal ${r.signal}):\n${r.stderr}`);

  const lines = r.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const bad = lines.filter((l) => !/^[A-Z]+ \/\S*$/.test(l));
  assert.deepEqual(bad, [], `lines of '${bin} routes' not of the form "METHOD /path":\n${bad.join('\n')}`);
  const dupes = lines.filter((l, i) => lines.indexOf(l) !== i);
  assert.deepEqual(dupes, [], `routes listed twice by the router:\n${dupes.join('\n')}`);
  assert.ok(lines.length > 0, `'${bin} routes' printed no routes`);

  const router = new Set(lines);
  const documented = new Set(operations(loadDoc()).map(({ method, path: p }) => `${method} ${p}`));
  const notInDoc = [...router].filter((x) => !documented.has(x)).sort();
  const notInRouter = [...documented].filter((x) => !router.has(x)).sort();
  assert.ok(
    notInDoc.length === 0 && notInRouter.length === 0,
    'the router and docs/openapi.yaml disagree\n' +
      `missing from docs/openapi.yaml (${notInDoc.length}):\n  ${notInDoc.join('\n  ') || '-'}\n` +
      `missing from the router (${notInRouter.length}):\n  ${notInRouter.join('\n  ') || '-'}`,
  );
});

test('GET /api/v1/openapi.yaml serves docs/openapi.yaml as it is on disk', async () => {
  const server = await startServer();
  try {
    const res = await fetch(server.base + '/api/v1/openapi.yaml');
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(res.status, 200, `status ${res.status}: ${body.toString('utf8').slice(0, 500)}`);
    const type = res.headers.get('content-type') ?? '';
    assert.match(type, /^(application|text)\/(x-)?yaml\s*(;|$)/i, `content type is ${JSON.stringify(type)}`);
    assert.ok(res.headers.get('x-request-id'), 'no X-Request-Id header');
    const disk = readFileSync(DOC_PATH);
    assert.ok(
      body.equals(disk),
      `the served document (${body.length} bytes) differs from docs/openapi.yaml (${disk.length} bytes)`,
    );
  } finally {
    await server.stop();
  }
});
