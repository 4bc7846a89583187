// bench-lib.mjs -- what the benchmarks share: a flood of sign-ins, and a
// request body sent in pieces.
import { api, ADMIN_EMAIL, ADMIN_PASSWORD } from '../tests/api/helpers.mjs';

// parallel loops signing in with the right password until stopped, so that
// every one costs an argon2id; counts the answers by status. A client
// refused with 429 waits 100 ms before it tries again.
export function flood(base, parallel, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  const counts = {};
  let running = true;
  const loop = async () => {
    while (running) {
      const r = await api(base, 'POST', '/api/v1/auth/login', { body: { email, password } })
        .catch(() => ({ status: 'error' }));
      counts[r.status] = (counts[r.status] ?? 0) + 1;
      if (r.status === 429) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const loops = Array.from({ length: parallel }, loop);
  return { counts, async stop() { running = false; await Promise.all(loops); } };
}

// Writes body into req in 1 MiB pieces, as a real client sends a file,
// waiting for the socket to drain; then ends the request.
export function sendInPieces(req, body) {
  let off = 0;
  const more = () => {
    while (off < body.length) {
      const piece = body.subarray(off, off + (1 << 20));
      off += piece.length;
      if (!req.write(piece)) { req.once('drain', more); return; }
    }
    req.end();
  };
  more();
}
