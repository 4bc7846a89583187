// main.js -- the application shell: session, sign-in and sign-out, the
// menus of the signed-in person's roles, the language switch, the serial
// search, and drawing the screen the address names.
//
// The session is the HttpOnly cookie the server sets on login; the bearer
// token the login reply also carries is deliberately dropped.
import { $, h, replace } from './dom.js';
import { t, label, lang, setLang, readStoredLang, translateFixed, DEFAULT_LANG } from './i18n.js';
import { request, call, problem } from './api.js';
import { match, parseHash, allowed } from './router.js';
import { ROUTES, STAFF } from './routes.js';
import { alertBox, pageTitle, renderMessage } from './ui.js';
import { findSerial } from './views/assets.js';
import { proof } from './views/secondfactor.js';

const ENROL = '/account/second-factor';

const state = {
  user: null,
  loginError: null,
  loginNotice: null,
  logoutError: null,
  searchMsg: null,
  busy: false,
  drawn: 0,        // counts renders, so that a slow screen never replaces a newer one
};

const roles = () => (Array.isArray(state.user?.roles) ? state.user.roles : []);
const can = (list) => list.some((r) => roles().includes(r));

// ---------------------------------------------------------------- chrome

function renderUser() {
  const u = state.user;
  const ids = ['user-name', 'user-email', 'user-org', 'user-roles', 'userbox-name'];
  if (!u) { for (const id of ids) $(id).textContent = ''; return; }
  $('user-name').textContent = u.active === false ? `${u.name} (${t('whoami.inactive')})` : u.name;
  $('user-email').textContent = u.email;
  const org = u.organization;
  $('user-org').textContent = org?.name ? (org.kind ? `${org.name} · ${label('kind', org.kind)}` : org.name)
    : (u.organization_id != null ? `#${u.organization_id}` : '—');
  $('user-roles').textContent = roles().length ? roles().map((r) => label('role', r)).join(t('list.separator')) : t('whoami.noRoles');
  $('userbox-name').textContent = org?.name ? `${u.name} · ${org.name}` : u.name;
}

const menus = () => ROUTES.filter((r) => r.menu && allowed(r, roles()));

function renderNav(path) {
  const items = menus().map((r) => {
    const active = path === r.pattern || path.startsWith(`${r.pattern}/`);
    return h('li', {}, h('a', { href: `#${r.pattern}`, 'aria-current': active ? 'page' : null }, t(r.menu)));
  });
  replace($('nav-list'), items);
}

function renderBusy() {
  $('login-submit').disabled = state.busy;
  $('logout').disabled = state.busy;
  $('login-submit').textContent = t(state.busy && !state.user ? 'login.busy' : 'login.submit');
  $('logout').textContent = t(state.busy && state.user ? 'logout.busy' : 'logout');
  $('login-form').setAttribute('aria-busy', String(state.busy && !state.user));
}

function setLoginError(msg, invalid = []) {
  state.loginError = msg;
  renderMessage($('login-error'), msg);
  for (const id of ['email', 'password']) {
    if (invalid.includes(id)) $(id).setAttribute('aria-invalid', 'true');
    else $(id).removeAttribute('aria-invalid');
  }
}

function setLogoutError(msg) {
  state.logoutError = msg;
  renderMessage($('logout-error'), msg);
}

function setSearchMsg(msg) {
  state.searchMsg = msg;
  renderMessage($('search-result'), msg);
}

// Which of the page's fixed parts show: signed out, the login form (or a
// public screen); signed in, the shell.
function showChrome(view) {
  const signedIn = state.user !== null;
  $('loading').hidden = view !== 'loading';
  $('login').hidden = view !== 'login';
  $('whoami').hidden = view !== 'home';
  $('nav').hidden = !signedIn;
  $('userbox').hidden = !signedIn;
  $('serial-search').hidden = !(signedIn && can(STAFF));
}

// ---------------------------------------------------------------- screens

function plainPage(titleKey, textKey, params) {
  return [pageTitle(t(titleKey)), h('p', { class: 'notice warn', id: 'plain-message' }, t(textKey, params))];
}

// A screen's failed read: a forbidden or missing record said plainly.
function failed(reply) {
  if (reply.status === 403) return plainPage('forbidden.title', 'forbidden.text');
  const box = alertBox();
  renderMessage(box, problem(reply).msg);
  return [pageTitle(t(reply.status === 404 ? 'notfound.title' : 'error.title')), box];
}

function context(path, query, params) {
  return {
    path, query, params, user: state.user, can,
    menus,
    navigate: (to) => { window.location.hash = `#${to}`; },
    rerender: () => render({ keepFocus: true }),
    failed,
    registered: onRegistered,
  };
}

async function render({ keepFocus = false } = {}) {
  const { path, query } = parseHash(window.location.hash);
  const found = match(ROUTES, path);
  const n = ++state.drawn;
  if (found?.route.public && !state.user) return draw(n, await found.route.view(context(path, query, found.params)), 'public', keepFocus);
  if (!state.user) { showChrome('login'); replace($('view')); return; }
  renderNav(path);
  let nodes;
  let view = 'screen';
  if (!found) nodes = plainPage('notfound.title', 'notfound.text');
  else if (!allowed(found.route, roles())) nodes = plainPage('forbidden.title', 'forbidden.roles', { roles: roles().map((r) => label('role', r)).join(t('list.separator')) });
  else {
    view = found.route.pattern === '/' ? 'home' : 'screen';
    $('view').setAttribute('aria-busy', 'true');
    nodes = await found.route.view(context(path, query, found.params));
  }
  draw(n, nodes, view, keepFocus);
}

function draw(n, nodes, view, keepFocus) {
  if (n !== state.drawn) return;
  showChrome(view);
  const el = $('view');
  replace(el, nodes);
  el.removeAttribute('aria-busy');
  const title = el.querySelector('#page-title');
  document.title = title ? `${title.textContent} · ${t('app.title')}` : t('app.title');
  if (!keepFocus && title && document.activeElement !== $('lang')) title.focus({ preventScroll: false });
}

// ---------------------------------------------------------------- session

function isUser(u) {
  return u !== null && typeof u === 'object' && typeof u.email === 'string';
}

function signedIn(user, { focus = false } = {}) {
  state.user = user;
  $('code').value = '';
  $('code-field').hidden = true;
  setLoginError(null);
  setLogoutError(null);
  $('password').value = '';
  renderUser();
  renderBusy();
  mustEnrol().then((yes) => {
    // A role that requires a second factor: the session reaches only the enrolment.
    if (yes && parseHash(window.location.hash).path !== ENROL) { window.location.hash = `#${ENROL}`; return; }
    const home = parseHash(window.location.hash).path === '/';
    render({ keepFocus: true }).then(() => { if (focus && home) $('whoami-heading').focus(); });
  });
}

async function mustEnrol() {
  const r = await call('GET', '/api/v1/auth/second-factor');
  return r.status === 200 && r.data?.required === true && r.data.totp !== 'active';
}

function signedOut({ focus = false, error = null } = {}) {
  state.user = null;
  setLogoutError(null);
  setSearchMsg(null);
  setLoginError(error);
  $('password').value = '';
  renderUser();
  renderBusy();
  const route = match(ROUTES, parseHash(window.location.hash).path);
  if (route?.route.public) { render(); return; }
  showChrome('login');
  replace($('view'));
  if (focus) $('email').focus();
}

async function checkSession() {
  showChrome('loading');
  let reply;
  try {
    reply = await request('GET', '/api/v1/me');
  } catch {
    signedOut({ error: { key: 'err.network' } });
    return;
  }
  if (reply.status === 200 && isUser(reply.data)) signedIn(reply.data);
  else if (reply.status === 401) signedOut({ focus: document.activeElement === document.body });
  else if (reply.status === 200) signedOut({ error: { key: 'err.badReply' } });
  else signedOut({ error: problem(reply).msg });
}

async function busyRequest(method, url, body) {
  state.busy = true;
  renderBusy();
  try {
    return await request(method, url, body);
  } catch {
    return null;
  } finally {
    state.busy = false;
    renderBusy();
  }
}

// The code of an account with a second factor: six digits from the
// authenticator app as totp, anything else as a recovery code.
function secondFactor() {
  const c = $('code').value.replace(/\s+/g, '');
  if ($('code-field').hidden || c === '') return {};
  return proof(c);
}

async function onLoginSubmit(event) {
  event.preventDefault();
  if (state.busy) return;
  const email = $('email').value.trim();
  const password = $('password').value;
  if (email === '' || password === '') {
    const missing = [email === '' ? 'email' : null, password === '' ? 'password' : null].filter(Boolean);
    setLoginError({ key: 'err.required' }, missing);
    $(missing[0]).focus();
    return;
  }
  setLoginError(null);   // so that a repeated failure is announced again
  const reply = await busyRequest('POST', '/api/v1/auth/login', { email, password, ...secondFactor() });
  if (reply === null) { setLoginError({ key: 'err.network' }); return; }
  if (reply.status === 200) {
    state.loginNotice = null;
    renderMessage($('login-notice'), null);
    const user = reply.data?.user;
    if (isUser(user)) signedIn(user, { focus: true });
    else await checkSession();
    return;
  }
  const { msg, fields, code } = problem(reply);
  if (code === 'auth.second_factor_required' || code === 'auth.second_factor_invalid') {
    $('code-field').hidden = false;
    $('code').value = '';
    setLoginError(msg, []);
    $('code').focus();
    return;
  }
  if (code === 'auth.invalid_credentials') {
    setLoginError(msg, ['email', 'password']);
    $('password').value = '';
    $('password').focus();
    return;
  }
  setLoginError(msg, Object.keys(fields).filter((f) => f === 'email' || f === 'password'));
}

async function onLogout() {
  if (state.busy) return;
  setLogoutError(null);
  const reply = await busyRequest('POST', '/api/v1/auth/logout');
  if (reply === null) setLogoutError({ key: 'err.network' });
  else if ([200, 204, 401].includes(reply.status)) {
    window.location.hash = '#/';
    signedOut({ focus: true });
  } else setLogoutError(problem(reply).msg);
}

function onRegistered(d) {
  window.location.hash = '#/';
  $('email').value = d.user?.email ?? '';
  signedOut({ focus: true });
  state.loginNotice = { key: 'reg.done', params: { name: d.organization?.name_ko ?? '' } };
  renderMessage($('login-notice'), state.loginNotice);
}

async function onSearch(event) {
  event.preventDefault();
  const serial = $('serial-q').value.trim();
  setSearchMsg(null);
  if (serial === '') return;
  const asset = await findSerial(serial);
  if (asset) {
    $('serial-q').value = '';
    window.location.hash = `#/assets/${asset.id}`;
  } else setSearchMsg({ key: 'search.none', params: { serial } });
}

function onHashChange() {
  setSearchMsg(null);
  if (state.user || match(ROUTES, parseHash(window.location.hash).path)?.route.public) {
    render();
  } else {
    showChrome('login');
    replace($('view'));
  }
}

function onLangChange(event) {
  setLang(event.target.value);
  translateFixed();
  renderBusy();
  renderUser();
  renderMessage($('login-error'), state.loginError);
  renderMessage($('login-notice'), state.loginNotice);
  renderMessage($('logout-error'), state.logoutError);
  renderMessage($('search-result'), state.searchMsg);
  document.title = t('app.title');
  if (state.user || match(ROUTES, parseHash(window.location.hash).path)?.route.public) render({ keepFocus: true });
}

function start() {
  setLang(readStoredLang() ?? DEFAULT_LANG, { remember: false });
  translateFixed();
  document.title = t('app.title');
  $('lang').value = lang();
  $('lang').addEventListener('change', onLangChange);
  $('login-form').addEventListener('submit', onLoginSubmit);
  $('logout').addEventListener('click', onLogout);
  $('serial-search').addEventListener('submit', onSearch);
  window.addEventListener('hashchange', onHashChange);
  checkSession();
}

start();
