// The contract checks itself: every JSON reply the API tests receive is
// validated against docs/openapi.yaml, the schema of its path, method and
// status, with Ajv in the JSON Schema 2020-12 dialect that OpenAPI 3.1 uses.
// A status the operation does not document fails as well. Schemas are
// compiled once per process, on first use.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const COMPONENTS_ID = 'urn:registry:openapi:components';
export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let state;

// The document, Ajv with every component schema registered under one id,
// the path templates as regular expressions (fewest parameters first, so
// that a literal path wins over a template), and the compiled validators.
function contract() {
  if (state) return state;
  const doc = YAML.parse(readFileSync(path.join(ROOT, 'docs/openapi.yaml'), 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  addFormats(ajv);
  // OpenAPI's own formats and annotations, which JSON Schema leaves open.
  ajv.addFormat('int64', { type: 'number', validate: (n) => Number.isInteger(n) });
  ajv.addFormat('int32', { type: 'number', validate: (n) => Number.isInteger(n) });
  ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
  ajv.addSchema({ $id: COMPONENTS_ID, $defs: absolute(doc.components?.schemas ?? {}) });
  const templates = Object.keys(doc.paths ?? {}).map((p) => ({
    path: p,
    nparams: (p.match(/\{/g) ?? []).length,
    re: new RegExp('^' + p.split(/\{[^}]+\}/).map(escape).join('[^/]+') + '$'),
  }));
  templates.sort((a, b) => a.nparams - b.nparams);
  state = { doc, ajv, templates, compiled: new Map() };
  return state;
}

function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// A deep copy of a schema whose references into components/schemas point
// at the registered components, so that it compiles on its own.
function absolute(node) {
  if (Array.isArray(node)) return node.map(absolute);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/'))
      out[k] = `${COMPONENTS_ID}#/$defs/${v.slice('#/components/schemas/'.length)}`;
    else out[k] = absolute(v);
  }
  return out;
}

// Follows a Reference Object ("#/components/responses/NotFound").
export function deref(doc, node) {
  while (node && typeof node.$ref === 'string') {
    node = node.$ref.slice(2).split('/').reduce((n, k) => n?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  }
  return node;
}

// The path template of a concrete URL ("/api/v1/assets/12?x=1" gives
// "/api/v1/assets/{id}"), or undefined when the document has none.
export function pathTemplate(url) {
  const p = new URL(url, 'http://x').pathname;
  return contract().templates.find((t) => t.re.test(p))?.path;
}

// The compiled validator for a documented reply, or null when the reply
// documents no JSON schema for that media type.
function validator(key, schema) {
  const { ajv, compiled } = contract();
  if (!compiled.has(key)) compiled.set(key, schema === undefined ? null : ajv.compile(absolute(schema)));
  return compiled.get(key);
}

// Checks one reply against the document. status and contentType as
// received; body parsed when it is JSON. Replies to paths or methods the
// document does not have (static files, 404 and 405 probes) are not checked.
export function checkReply(method, url, status, contentType, body) {
  const { doc } = contract();
  const template = pathTemplate(url);
  if (template === undefined) return;
  const verb = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
  const op = doc.paths[template][verb];
  if (op === undefined) return;
  const where = `${method.toUpperCase()} ${url} (${template}) -> ${status}`;
  const codes = Object.keys(op.responses ?? {});
  const code = [String(status), `${String(status)[0]}XX`, 'default'].find((c) => codes.includes(c));
  assert.ok(code !== undefined,
    `${where}: status ${status} is not documented for ${op.operationId} (documented: ${codes.join(', ')})`);
  const media = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (!/^application\/(.+\+)?json$/.test(media) || method.toUpperCase() === 'HEAD') return;
  const content = deref(doc, op.responses[code])?.content ?? {};
  assert.ok(Object.hasOwn(content, media),
    `${where}: ${media} is not documented for this status (documented: ${Object.keys(content).join(', ') || 'no body'})`);
  const validate = validator(`${verb} ${template} ${code} ${media}`, content[media].schema);
  if (validate === null) return;
  if (!validate(body)) {
    const errors = validate.errors.map((e) => `  ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
    assert.fail(`${where}: the ${media} body does not match docs/openapi.yaml:\n${errors.join('\n')}\n` +
      `body: ${JSON.stringify(body).slice(0, 2000)}`);
  }
}
