// Connections that arrive together are shared evenly by the worker
// threads: each worker serves its connections one request at a time, so a
// worker holding most of them makes their requests queue while another
// idles. Each worker watches its connections with an epoll set of its own;
// what each set watches is read from /proc (Linux).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from '../helpers.mjs';

// The number of descriptors each epoll set of the process watches.
function epollSets(pid) {
  const sets = new Map();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target;
    try { target = readlinkSync(`/proc/${pid}/fd/${fd}`); } catch { continue; }
    if (target !== 'anon_inode:[eventpoll]') continue;
    const info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
    sets.set(fd, (info.match(/^tfd:/gm) ?? []).length);
  }
  return sets;
}

test('64 connections opened at once are spread 16 to each of 4 workers', async () => {
  const srv = await startServer({ env: { REGISTRY_THREADS: '4' } });
  const socks = [];
  try {
    const before = epollSets(srv.pid);
    const port = Number(new URL(srv.base).port);
    await Promise.all(Array.from({ length: 64 }, () => new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', resolve);
      s.on('error', reject);
      socks.push(s);
    })));
    await sleep(300);
    const after = epollSets(srv.pid);
    const added = [...after].map(([fd, n]) => n - (before.get(fd) ?? 0)).filter((n) => n > 0);
    assert.equal(added.reduce((a, b) => a + b, 0), 64, `every connection watched: ${added}`);
    assert.equal(added.length, 4, `4 workers share them: ${added}`);
    assert.ok(Math.max(...added) - Math.min(...added) <= 2, `evenly: ${added}`);
  } finally {
    for (const s of socks) s.destroy();
    await srv.stop();
  }
});

// A thread's nice value: field 19 of /proc/PID/task/TID/stat (counted
// after the command's closing parenthesis, which may hold spaces).
const nice = (pid, tid) => {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19 - 3]);
};

test('password hashes run at nice 19, on REGISTRY_HASH_THREADS threads, from the moment the server listens; nothing else does', async () => {
  const srv = await startServer({ env: { REGISTRY_HASH_THREADS: '2', REGISTRY_THREADS: '3' } });
  try {
    const tids = readdirSync(`/proc/${srv.pid}/task`);
    const low = tids.filter((tid) => nice(srv.pid, tid) === 19);
    assert.equal(low.length, 2, `${low.length} of ${tids.length} threads at nice 19`);
    assert.ok(tids.length >= 2 + 3 + 1, 'the request threads and the main thread are there, at nice 0');
  } finally {
    await srv.stop();
  }
});

test('bound to an IPv6 address, the server answers there and not on IPv4', async () => {
  const srv = await startServer({ env: { REGISTRY_BIND: '::1' } });
  try {
    assert.match(srv.base, /^http:\/\/\[::1\]:\d+$/);
    assert.equal((await fetch(`${srv.base}/healthz`)).status, 200);
    const port = new URL(srv.base).port;
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) }));
  } finally {
    await srv.stop();
  }
});
