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

// The route table as `registry routes --json` prints it.
function routeTable() {
  const bin = process.env.REGISTRY_BIN;
  assert.ok(bin, "REGISTRY_BIN is not set: run the tests through 'make test'");
  const r = spawnSync(bin, ['routes', '--json'], { encoding: 'utf8', cwd: ROOT });
  assert.equal(r.status, 0, `${bin} routes --json exited ${r.status}:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

// Joins the route table to the document's operations: [{route, op, name}].
function joined() {
  const doc = loadDoc();
  const ops = new Map(operations(doc).map((o) => [`${o.method} ${o.path}`, o.op]));
  return {
    doc,
    pairs: routeTable().map((route) => {
      const name = `${route.method} ${route.path}`;
      assert.ok(ops.has(name), `${name} is not in docs/openapi.yaml`);
      return { route, op: ops.get(name), name };
    }),
  };
}

test('each operation admits the roles the route table admits (x-roles)', () => {
  const { doc, pairs } = joined();
  const faults = [];
  for (const { route, op, name } of pairs) {
    const documented = [...(op['x-roles'] ?? [])].sort();
    const routed = [...route.roles].sort();
    if (JSON.stringify(documented) !== JSON.stringify(routed)) {
      faults.push(`${name}: docs/openapi.yaml x-roles [${documented}], server/routes.c [${routed}]` +
        (routed.length === 0 ? ' (any signed-in user: no x-roles)' : ''));
    }
    const open = route.flags.includes('public');
    if (open !== isPublic(doc, op)) faults.push(`${name}: public in ${open ? 'the route table' : 'the document'} only`);
  }
  assert.deepEqual(faults, [], `roles differ:\n${faults.join('\n')}`);
});

// A schema as the fields of one JSON object: {properties, required},
// following $refs and merging allOf; the branches of an object-level
// oneOf/anyOf add properties, and require what all of them require.
function objectShape(doc, schema) {
  const s = deref(doc, schema) ?? {};
  const properties = new Map(Object.entries(s.properties ?? {}).map(([k, v]) => [k, deref(doc, v)]));
  let required = new Set(s.required ?? []);
  for (const part of s.allOf ?? []) {
    const sub = objectShape(doc, part);
    for (const [k, v] of sub.properties) properties.set(k, properties.get(k) ?? v);
    for (const k of sub.required) required.add(k);
  }
  const branches = [...(s.oneOf ?? []), ...(s.anyOf ?? [])].map((b) => objectShape(doc, b));
  if (branches.length > 0) {
    for (const b of branches) for (const [k, v] of b.properties) properties.set(k, properties.get(k) ?? v);
    const all = [...branches[0].required].filter((k) => branches.every((b) => b.required.has(k)));
    required = new Set([...required, ...all]);
  }
  return { properties, required };
}

// The keywords of one property's schema, following $refs and merging
// allOf; of a oneOf/anyOf whose branches are a type and null, the type's,
// with nullable set.
function leafSchema(doc, schema) {
  const s = deref(doc, schema) ?? {};
  let out = { ...s };
  for (const part of s.allOf ?? []) out = { ...leafSchema(doc, part), ...out };
  const branches = [...(s.oneOf ?? []), ...(s.anyOf ?? [])].map((b) => leafSchema(doc, b));
  const real = branches.filter((b) => b.type !== 'null');
  if (branches.length > 0 && real.length === 1) out = { ...real[0], ...out, nullable: real.length < branches.length };
  const types = [out.type].flat().filter((t) => t !== undefined);
  if (types.includes('null')) out.nullable = true;
  out.types = types.filter((t) => t !== 'null');
  return out;
}

const FIELD_TYPES = {
  string: 'string', string_or_null: 'string', date: 'string', date_or_null: 'string', decimal: 'string',
  integer: 'integer', boolean: 'boolean', string_array: 'array', object_array: 'array',
};

// The differences between one field of a table and its documented schema:
// type, null, allowed values and the bounds the handler checks.
function fieldFaults(doc, where, schema, f) {
  const s = leafSchema(doc, schema);
  const out = [];
  const want = FIELD_TYPES[f.type];
  if (s.types.length !== 1 || s.types[0] !== want) out.push(`${where}: the handler takes ${f.type}, the document ${s.types.join('|') || 'any type'}`);
  const nullable = f.type.endsWith('_or_null');
  if (nullable !== Boolean(s.nullable)) {
    out.push(`${where}: null is ${nullable ? '' : 'not '}accepted by the handler, ${s.nullable ? '' : 'not '}by the document`);
  }
  const values = f.type === 'string_array' ? leafSchema(doc, s.items).enum : s.enum;
  if (f.one_of !== undefined || values !== undefined) {
    const a = [...(f.one_of ?? [])].sort();
    const b = (values ?? []).filter((v) => v !== null).sort();
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${where}: allowed values [${a}] in the handler, [${b}] in the document`);
  }
  const bound = (keyword, value) => {
    if (s[keyword] !== value) out.push(`${where}: ${keyword} ${s[keyword]} in the document, ${value} in the handler`);
  };
  if (f.type === 'integer' && f.max_len > 0) bound('maximum', f.max_len);
  const free = f.one_of === undefined && s.pattern === undefined && s.format === undefined;
  if ((f.type === 'string' || f.type === 'string_or_null') && free) {
    bound('minLength', f.min_len);
    if (f.max_len > 0) bound('maxLength', f.max_len);
  }
  if (f.type.endsWith('_array')) {
    if (f.min_len > 0) bound('minItems', f.min_len);
    if (f.max_len > 0) bound('maxItems', f.max_len);
  }
  return out;
}

// The differences between a documented object schema and a field table
// ({fields, by_hand}), nested object arrays included, as lines.
function bodyFaults(doc, where, schema, table) {
  const { properties, required } = objectShape(doc, schema);
  const fields = new Map(table.fields.map((f) => [f.name, f]));
  const byHand = new Set(table.by_hand ?? []);
  const out = [];
  for (const k of properties.keys()) {
    if (!fields.has(k) && !byHand.has(k)) out.push(`${where}: ${k} is documented, the handler refuses it`);
  }
  for (const k of [...fields.keys(), ...byHand]) {
    if (!properties.has(k)) out.push(`${where}: ${k} is accepted by the handler, not documented`);
  }
  for (const [k, f] of fields) {
    if (!properties.has(k)) continue;
    if (f.required !== required.has(k)) {
      out.push(`${where}: ${k} is ${f.required ? '' : 'not '}required by the handler, ` +
        `${required.has(k) ? '' : 'not '}by the document`);
    }
    out.push(...fieldFaults(doc, `${where}: ${k}`, properties.get(k), f));
    if (f.type === 'object_array') {
      const prop = objectShape(doc, properties.get(k));
      const items = deref(doc, properties.get(k))?.items ?? [...prop.properties.values()][0]?.items;
      if (items === undefined) out.push(`${where}: ${k} is an array of objects, documented without items`);
      else out.push(...bodyFaults(doc, `${where}.${k}[]`, items, { fields: f.items ?? [] }));
    }
  }
  return out;
}

test("each documented JSON request body has the handler's fields (names, required, types, bounds, nested)", () => {
  const { doc, pairs } = joined();
  const faults = [];
  let compared = 0;
  for (const { route, op, name } of pairs) {
    const body = deref(doc, op.requestBody);
    const schema = body?.content?.['application/json']?.schema;
    if (route.body === null && schema !== undefined) faults.push(`${name}: documents a JSON body, the route table has no field table`);
    else if (route.body !== null && schema === undefined) faults.push(`${name}: the handler checks a JSON body the document does not describe`);
    else if (route.body !== null) {
      faults.push(...bodyFaults(doc, name, schema, route.body));
      compared++;
    }
  }
  assert.ok(compared > 20, `only ${compared} bodies compared`);
  assert.deepEqual(faults, [], `request bodies differ:\n${faults.join('\n')}`);
});

test('every signed-in POST takes an Idempotency-Key and documents its 409 with Retry-After', () => {
  const doc = loadDoc();
  const faults = [];
  for (const { method, path: p, op, item } of operations(doc)) {
    if (method !== 'POST' || isPublic(doc, op)) continue;
    const name = `${method} ${p}`;
    const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((prm) => deref(doc, prm));
    if (!params.some((prm) => prm?.in === 'header' && prm.name === 'Idempotency-Key')) {
      faults.push(`${name}: no Idempotency-Key parameter`);
      continue;
    }
    const conflict = deref(doc, op.responses?.['409']);
    if (conflict === undefined) faults.push(`${name}: no 409 for a request with the same key still running`);
    else if (conflict.headers?.['Retry-After'] === undefined) faults.push(`${name}: its 409 has no Retry-After header`);
  }
  assert.deepEqual(faults, [], `Idempotency-Key faults:\n${faults.join('\n')}`);
});
