// tar.js -- the proposal's container: a POSIX ustar archive, which any
// tar reads. Pure functions over Uint8Array (no DOM), so that the tests
// run them in Node too. Names are ASCII (the original file names travel
// in proposal.json), at most 99 bytes.

const BLOCK = 512;
const ascii = new TextEncoder();

function octal(n, width) {
  return n.toString(8).padStart(width - 1, '0');
}

function put(buf, offset, text) {
  buf.set(ascii.encode(text), offset);
}

function header(name, size, mtime) {
  const b = new Uint8Array(BLOCK);
  put(b, 0, name);
  put(b, 100, `${octal(0o644, 8)}\0`);
  put(b, 108, `${octal(0, 8)}\0`);
  put(b, 116, `${octal(0, 8)}\0`);
  put(b, 124, `${octal(size, 12)}\0`);
  put(b, 136, `${octal(mtime, 12)}\0`);
  put(b, 148, '        ');
  b[156] = 0x30;                                  // '0': a regular file
  put(b, 257, 'ustar\0' + '00');
  const sum = b.reduce((s, x) => s + x, 0);
  put(b, 148, `${octal(sum, 7)}\0 `);
  return b;
}

// files: [{name, bytes}] -> the archive as one Uint8Array.
export function pack(files, mtime = Math.floor(Date.now() / 1000)) {
  const padded = (n) => Math.ceil(n / BLOCK) * BLOCK;
  const total = files.reduce((s, f) => s + BLOCK + padded(f.bytes.length), 0) + 2 * BLOCK;
  const out = new Uint8Array(total);
  let at = 0;
  for (const f of files) {
    if (!/^[\x21-\x7e]{1,99}$/.test(f.name)) throw new Error(`tar: bad name ${f.name}`);
    out.set(header(f.name, f.bytes.length, mtime), at);
    out.set(f.bytes, at + BLOCK);
    at += BLOCK + padded(f.bytes.length);
  }
  return out;
}

function field(b, from, len) {
  const part = b.subarray(from, from + len);
  const end = part.indexOf(0);
  return new TextDecoder().decode(end < 0 ? part : part.subarray(0, end));
}

// The archive's regular files as [{name, bytes}]; throws on a broken one.
export function unpack(buf) {
  const out = [];
  let at = 0;
  while (at + BLOCK <= buf.length) {
    const h = buf.subarray(at, at + BLOCK);
    if (h.every((x) => x === 0)) break;
    const size = parseInt(field(h, 124, 12).trim() || '0', 8);
    if (Number.isNaN(size) || at + BLOCK + size > buf.length) throw new Error('tar: truncated');
    if (h[156] === 0x30 || h[156] === 0) out.push({ name: field(h, 0, 100), bytes: buf.subarray(at + BLOCK, at + BLOCK + size) });
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}
