// router.js -- screens by the address's hash (#/orders/12?status=draft):
// no server routes are needed, and back/forward and bookmarks work.

// Splits "#/orders/12?status=draft" into {path, query}.
export function parseHash(hash) {
  const raw = hash.replace(/^#/, '') || '/';
  const [path, qs = ''] = raw.split('?');
  return { path: path || '/', query: Object.fromEntries(new URLSearchParams(qs)) };
}

// routes: [{pattern: '/orders/:id', ...}]; the first that matches, with
// its :params, or null.
export function match(routes, path) {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const pat = route.pattern.split('/').filter(Boolean);
    if (pat.length !== parts.length) continue;
    const params = {};
    const ok = pat.every((p, i) => {
      if (p.startsWith(':')) { params[p.slice(1)] = decodeURIComponent(parts[i]); return /^\d+$/.test(parts[i]) || p !== ':id'; }
      return p === parts[i];
    });
    if (ok) return { route, params };
  }
  return null;
}

export const allowed = (route, roles) => !route.roles || route.roles.some((r) => roles.includes(r));
