// Static files: the gzip twin the build makes is sent to clients that take
// gzip, with its own ETag and Vary; others get the file as it is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startServer, ROOT } from '../helpers.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

// A GET with exactly these headers (fetch would add its own Accept-Encoding).
function get(p, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(srv.base + p, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
  });
}

const file = (p) => readFileSync(path.join(ROOT, 'static', p));

test('the build made a current gzip twin of each text file', () => {
  for (const p of ['index.html', 'app.css', 'js/main.js', 'i18n/ko.js']) {
    const gz = path.join(ROOT, 'static', p + '.gz');
    assert.ok(statSync(gz).mtimeMs >= statSync(path.join(ROOT, 'static', p)).mtimeMs, p);
    assert.deepEqual(gunzipSync(readFileSync(gz)), file(p), p);
  }
});

test('gzip is sent where accepted, with its own ETag and a 304 for it', async () => {
  const plain = await get('/js/main.js');
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.headers.vary, 'Accept-Encoding');
  assert.deepEqual(plain.body, file('js/main.js'));

  const gz = await get('/js/main.js', { 'accept-encoding': 'br, gzip;q=0.8' });
  assert.equal(gz.status, 200);
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.match(gz.headers['content-type'], /^text\/javascript/);
  assert.equal(gz.headers.vary, 'Accept-Encoding');
  assert.deepEqual(gunzipSync(gz.body), file('js/main.js'));
  assert.notEqual(gz.headers.etag, plain.headers.etag);
  assert.equal(gz.headers['cache-control'], 'no-cache');

  const again = await get('/js/main.js', { 'accept-encoding': 'gzip', 'if-none-match': gz.headers.etag });
  assert.equal(again.status, 304);
  assert.equal(again.headers.etag, gz.headers.etag);
  const stale = await get('/js/main.js', { 'if-none-match': gz.headers.etag });
  assert.equal(stale.status, 200, 'the gzip ETag does not validate the plain file');
});

test('gzip;q=0 and other codings get the file as it is; images are never gzipped', async () => {
  for (const ae of ['gzip;q=0', 'gzip; q=0.000', 'br', 'identity', 'deflate, gzip;q=0.0']) {
    const r = await get('/app.css', { 'accept-encoding': ae });
    assert.equal(r.status, 200, ae);
    assert.equal(r.headers['content-encoding'], undefined, ae);
    assert.deepEqual(r.body, file('app.css'), ae);
  }
  const star = await get('/app.css', { 'accept-encoding': '*' });
  assert.equal(star.headers['content-encoding'], 'gzip');
  const html = await get('/', { 'accept-encoding': 'gzip, deflate' });
  assert.equal(html.headers['content-encoding'], 'gzip');
  assert.match(html.headers['content-type'], /^text\/html/);
});

test('each kind of file has its type', async () => {
  const want = { '/index.html': /^text\/html; charset=utf-8$/, '/app.css': /^text\/css; charset=utf-8$/,
    '/i18n/en.js': /^text\/javascript; charset=utf-8$/ };
  for (const [p, type] of Object.entries(want)) {
    const r = await get(p, { 'accept-encoding': 'gzip' });
    assert.match(r.headers['content-type'], type, p);
  }
});
