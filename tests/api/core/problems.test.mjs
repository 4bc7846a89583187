// The problem codes: the registry in the binary (server/core/problem.h,
// printed by `registry problems`) and the list in docs/openapi.yaml are
// the same, each with its status; the document's examples use them.
// (Every problem any API test receives is checked in helpers.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

import { ROOT } from '../helpers.mjs';
import { problemCodes } from '../problems.mjs';

const doc = YAML.parse(readFileSync(path.join(ROOT, 'docs/openapi.yaml'), 'utf8'));
const codeSchema = doc.components.schemas.Problem.properties.code;

test('the registry holds codes <area>.<what>, one meaning each', () => {
  const codes = problemCodes();
  assert.ok(codes.size > 40, `only ${codes.size} codes`);
  for (const [code, { status, meaning }] of codes) {
    assert.match(code, /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/);
    assert.ok(status >= 400 && status <= 599, code);
    assert.ok(meaning.length > 0, code);
  }
});

test('docs/openapi.yaml lists exactly the codes of the registry', () => {
  const documented = [...codeSchema.enum].sort();
  assert.deepEqual(documented, [...problemCodes().keys()].sort());
  assert.ok(doc.components.schemas.Problem.required.includes('code'));
  assert.notEqual(doc.components.schemas.Problem.additionalProperties, false);
});

test('the code table of the document gives each code its status', () => {
  const rows = new Map([...codeSchema.description.matchAll(/^\| `([a-z0-9_.]+)` \| (\d{3}) \|/gm)]
    .map((m) => [m[1], Number(m[2])]));
  for (const [code, { status }] of problemCodes()) assert.equal(rows.get(code), status, code);
  assert.equal(rows.size, problemCodes().size);
});

test('every problem example of the document has a registered code and its status', () => {
  let n = 0;
  for (const [name, response] of Object.entries(doc.components.responses)) {
    const media = response.content?.['application/problem+json'];
    if (!media) continue;
    const examples = media.example ? [media.example]
      : Object.values(media.examples ?? {}).map((e) => e.value);
    for (const ex of examples) {
      const known = problemCodes().get(ex.code);
      assert.ok(known, `${name}: example without a registered code (${ex.code})`);
      assert.equal(ex.status, known.status, `${name}: ${ex.code}`);
      n++;
    }
  }
  assert.ok(n > 20);
});
