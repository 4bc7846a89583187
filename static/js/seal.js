// seal.js -- a proposal sealed in the browser: the PDFs and the price
// schedule put in one archive (tar.js) with proposal.json naming them,
// sealed with crypto_box_seal to the call's opening key. The plaintext
// never leaves the page; only the sealed bytes are uploaded.
//
// libsodium's JavaScript build is loaded only when a company seals
// (static/vendor/, copied from node_modules by the build).
import { pack, unpack } from './tar.js';

export const FORMAT = 'gpu-registry proposal v1';
let loading = null;

export function sodium() {
  if (!loading) {
    loading = import('/vendor/libsodium-wrappers.mjs').then(async (m) => {
      const s = m.default ?? m;
      await s.ready;
      return s;
    });
    loading.catch(() => { loading = null; });
  }
  return loading;
}

const hex = (buf) => Array.from(new Uint8Array(buf), (x) => x.toString(16).padStart(2, '0')).join('');

export async function sha256(bytes) {
  return hex(await crypto.subtle.digest('SHA-256', bytes));
}

export function fromBase64(b64) {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

// files: [{name, bytes}] as read from the form; schedule: the price
// schedule as JSON. The archive: proposal.json, price-schedule.json and
// files/<n>.pdf.
export async function container(files, schedule) {
  const entries = [];
  const listed = [];
  for (const [i, f] of files.entries()) {
    const path = `files/${i + 1}.pdf`;
    listed.push({ name: f.name, path, size: f.bytes.length, sha256: await sha256(f.bytes) });
    entries.push({ name: path, bytes: f.bytes });
  }
  const json = (v) => new TextEncoder().encode(`${JSON.stringify(v, null, 2)}\n`);
  const manifest = { format: FORMAT, price_schedule: 'price-schedule.json', files: listed };
  return pack([{ name: 'proposal.json', bytes: json(manifest) }, { name: 'price-schedule.json', bytes: json(schedule) }, ...entries]);
}

// The sealed blob for the call's opening key (base64).
export async function seal(plain, publicKeyB64) {
  const s = await sodium();
  return s.crypto_box_seal(plain, fromBase64(publicKeyB64));
}

// An opened proposal back into {manifest, schedule, files: [{name, bytes}]};
// null when it is not our container (a company may seal its own).
export function readContainer(bytes) {
  let entries;
  try {
    entries = unpack(bytes);
  } catch {
    return null;
  }
  const byName = new Map(entries.map((e) => [e.name, e.bytes]));
  const parse = (n) => { try { return JSON.parse(new TextDecoder().decode(byName.get(n))); } catch { return null; } };
  const manifest = byName.has('proposal.json') ? parse('proposal.json') : null;
  if (!manifest || manifest.format !== FORMAT || !Array.isArray(manifest.files)) return null;
  return {
    manifest,
    schedule: parse(manifest.price_schedule),
    files: manifest.files.filter((f) => byName.has(f.path)).map((f) => ({ ...f, bytes: byName.get(f.path) })),
  };
}

// A signed note (receipts, manifests, checkpoints) checked in the page
// with the service's public keys (GET /api/v1/keys: the current and any
// previous): 'valid', 'invalid', or 'unknown_key'.
export async function checkNote(note, keys) {
  const at = note.indexOf('\n\n');
  if (at < 0) return 'invalid';
  const text = new TextEncoder().encode(note.slice(0, at + 1));
  const sig = /^— (\S+) (\S+)$/m.exec(note.slice(at + 2));
  if (!sig) return 'invalid';
  const blob = fromBase64(sig[2]);
  const id = Array.from(blob.subarray(0, 4), (x) => x.toString(16).padStart(2, '0')).join('');
  const key = keys.find((k) => k.name === sig[1] && k.key_id === id);
  if (!key) return 'unknown_key';
  const s = await sodium();
  return s.crypto_sign_verify_detached(blob.subarray(4), text, fromBase64(key.public_key)) ? 'valid' : 'invalid';
}
