// api.js -- the JSON API on the same origin, with the session cookie.
// A reply is {status, headers, data}; data is the parsed JSON or null.
// Problems become messages from the catalogue by their code, with the
// numbers they carry; the English prose is shown only for a code the
// catalogue lacks.
import { has } from './i18n.js';

function idempotencyKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

async function readBody(res) {
  const type = res.headers.get('content-type') || '';
  if (type.includes('json')) {
    try {
      return await res.json();
    } catch {
      return null;
    }
  }
  try {
    await res.arrayBuffer();
  } catch {
    /* nothing to read */
  }
  return null;
}

// The server's clock less this browser's, from the Date header of the
// latest reply (to the second): the time left to a deadline is counted on
// the server's clock, so that a PC whose clock is wrong does not mislead.
let skew = 0;

function noteClock(headers) {
  const at = Date.parse(headers.get('date') ?? '');
  if (Number.isNaN(at)) return;
  const d = at - Date.now();
  skew = Math.abs(d) < 2000 ? 0 : d;   // under 2 s: the header's rounding, not a wrong clock
}

// Now, by the server's clock (as far as the replies so far tell).
export const serverNow = () => Date.now() + skew;

// Rejects only when the server cannot be reached. Writes carry an
// Idempotency-Key, so that a repeated click is one change.
export async function request(method, url, body, { headers = {} } = {}) {
  const init = {
    method,
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { accept: 'application/json, application/problem+json', ...headers },
  };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method === 'POST' && url !== '/api/v1/auth/login' && url !== '/api/v1/auth/logout') {
    init.headers['idempotency-key'] = idempotencyKey();
  }
  const res = await fetch(url, init);
  noteClock(res.headers);
  return { status: res.status, headers: res.headers, data: await readBody(res) };
}

// Like request, but a network failure is a reply with status 0.
export async function call(method, url, body, opts) {
  try {
    return await request(method, url, body, opts);
  } catch {
    return { status: 0, headers: new Headers(), data: null };
  }
}

export const get = (url) => call('GET', url);
export const post = (url, body) => call('POST', url, body ?? {});

// A query string from an object, leaving out empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

// Uploads a file as the body (CSV), reporting progress (0..1), with any
// further headers; resolves to a reply like request's. XMLHttpRequest,
// because fetch reports no upload progress.
export function upload(url, file, type, onProgress, headers = {}) {
  return new Promise((resolve) => {
    const x = new XMLHttpRequest();
    x.open('POST', url);
    x.withCredentials = true;
    x.setRequestHeader('content-type', type);
    x.setRequestHeader('accept', 'application/json, application/problem+json');
    x.setRequestHeader('idempotency-key', idempotencyKey());
    for (const [k, v] of Object.entries(headers)) x.setRequestHeader(k, v);
    x.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    x.onload = () => {
      let data = null;
      try { data = JSON.parse(x.responseText); } catch { data = null; }
      const headers = new Headers();
      const retry = x.getResponseHeader('retry-after');
      if (retry) headers.set('retry-after', retry);
      resolve({ status: x.status, headers, data });
    };
    x.onerror = () => resolve({ status: 0, headers: new Headers(), data: null });
    x.send(file);
  });
}

// Retry-After is delta-seconds or an HTTP date.
function retryAfterSeconds(value) {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.max(1, Number(v));
  const when = Date.parse(v);
  return Number.isNaN(when) ? null : Math.max(1, Math.ceil((when - Date.now()) / 1000));
}

function params(p, reply) {
  const seconds = Number.isInteger(p.retry_after_s) && p.retry_after_s > 0 ? p.retry_after_s
    : retryAfterSeconds(reply.headers.get('retry-after'));
  return { ...p, seconds, allowed: Array.isArray(p.allowed) ? p.allowed.join(', ') : p.allowed };
}

// A reply that is not a success as {msg, fields, code}: msg is {key, params,
// items} (our words) or {text, items} (the server's, for a code we lack);
// fields maps a field name to the API's message about it.
export function problem(reply) {
  if (reply.status === 0) return { msg: { key: 'err.network' }, fields: {}, code: null };
  const p = reply.data && typeof reply.data === 'object' ? reply.data : {};
  const code = typeof p.code === 'string' ? p.code : null;
  const errors = Array.isArray(p.errors) ? p.errors.filter((e) => e && typeof e.message === 'string') : [];
  const items = errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message));
  const fields = {};
  for (const e of errors) if (e.field && !(e.field in fields)) fields[e.field] = e.message;
  if (code !== null && has(`problem.${code}`)) {
    const ps = params(p, reply);
    const key = ps.seconds == null && has(`problem.${code}.later`) ? `problem.${code}.later` : `problem.${code}`;
    return { msg: { key, params: ps, items }, fields, code };
  }
  const text = typeof p.detail === 'string' && p.detail !== '' ? p.detail : p.title;
  if (!text && items.length === 0) return { msg: { key: 'err.http', params: { status: reply.status } }, fields, code };
  return { msg: { text: text ?? '', items }, fields, code };
}

// A file to download: {status, headers, blob} on success, else a reply
// like request's (the problem's JSON as data; status 0 when unreachable).
export async function fetchFile(url, accept = '*/*') {
  let res;
  try {
    res = await fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { accept } });
  } catch {
    return { status: 0, headers: new Headers(), data: null };
  }
  if (res.ok) return { status: res.status, headers: res.headers, blob: await res.blob() };
  return { status: res.status, headers: res.headers, data: await readBody(res) };
}
