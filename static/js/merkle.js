// merkle.js -- an audit event's inclusion proof (RFC 9162 2.1.3.2, the
// tree of RFC 6962 with SHA-256) checked in the browser with WebCrypto,
// against a checkpoint whose signature the page checked itself: the
// server's word is not needed for the arithmetic. docs/audit.md.

async function sha256(...parts) {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { all.set(p, at); at += p.length; }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', all));
}

export const leafHash = (bytes) => sha256(Uint8Array.of(0), bytes);
const nodeHash = (l, r) => sha256(Uint8Array.of(1), l, r);
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

// Whether the leaf hash at index, with the proof's hashes (leaves up),
// gives the root of a tree of size leaves.
export async function verifyInclusion(index, size, hash, proof, root) {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = hash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && same(r, root);
}
