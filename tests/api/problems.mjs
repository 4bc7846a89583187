// The problem codes the binary knows (`registry problems`), and the check
// every API test applies to the problems it sees: a known code whose
// status is the reply's.
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';

let registry;

// Map code -> {status, meaning}, read once from the binary under test.
export function problemCodes() {
  if (registry) return registry;
  const r = spawnSync(process.env.REGISTRY_BIN, ['problems'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`registry problems failed: ${r.stderr}`);
  registry = new Map();
  for (const line of r.stdout.trim().split('\n')) {
    const [code, status, meaning] = line.split('\t');
    registry.set(code, { status: Number(status), meaning });
  }
  return registry;
}

// Throws unless body is a problem with a registered code fitting status.
export function checkProblem(status, body) {
  const known = problemCodes().get(body?.code);
  assert.ok(known, `problem without a registered code: ${JSON.stringify(body)}`);
  assert.equal(status, known.status, `${body.code} is a ${known.status}, sent as ${status}`);
}
