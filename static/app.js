// app.js -- the first browser page: check the cookie session, sign in, show
// who is signed in, sign out. Korean by default, English on request.
//
// The session is the HttpOnly cookie the server sets on login; this script
// never stores the token the login reply also carries. No framework, no build
// step; the page's Content-Security-Policy forbids inline script and style,
// so every behaviour is wired here and every look lives in app.css.

const LANG_KEY = 'registry.lang';
const DEFAULT_LANG = 'ko';

const MESSAGES = {
  ko: {
    'app.title': '국가 AI 컴퓨팅 자원 조달·자산 등록 시스템',
    'app.owner': '과학기술정보통신부',
    'skip': '본문 바로가기',
    'lang.label': '언어',
    'loading': '로그인 상태를 확인하는 중입니다…',
    'login.heading': '로그인',
    'login.intro': '등록된 계정의 이메일과 비밀번호를 입력하세요.',
    'login.email': '이메일',
    'login.password': '비밀번호',
    'login.submit': '로그인',
    'login.busy': '로그인 중…',
    'whoami.heading': '접속 정보',
    'whoami.intro': '다음 계정으로 로그인되어 있습니다.',
    'whoami.name': '이름',
    'whoami.email': '이메일',
    'whoami.org': '소속 기관',
    'whoami.roles': '역할',
    'whoami.noRoles': '부여된 역할 없음',
    'whoami.inactive': '비활성 계정',
    'logout': '로그아웃',
    'logout.busy': '로그아웃 중…',
    'footer': '인가된 사용자만 이용할 수 있습니다. 모든 접속과 변경 내역은 감사 기록에 남습니다.',
    'err.required': '이메일과 비밀번호를 모두 입력하세요.',
    'err.network': '서버에 연결할 수 없습니다. 네트워크 연결을 확인한 뒤 다시 시도하세요.',
    'err.http': (p) => `요청을 처리하지 못했습니다. (HTTP ${p.status})`,
    'err.badReply': '서버 응답을 해석할 수 없습니다. 잠시 후 다시 시도하세요.',
    // Problem codes (docs/openapi.yaml, Problem.code) the page can meet;
    // the numbers come from the problem's own members.
    'problem.auth.invalid_credentials': '이메일 또는 비밀번호가 올바르지 않습니다.',
    'problem.auth.throttled': (p) => (p.seconds
      ? `로그인 시도가 너무 많습니다. ${p.seconds}초 후에 다시 시도하세요.`
      : '로그인 시도가 너무 많습니다. 잠시 후 다시 시도하세요.'),
    'problem.auth.session_required': '로그인이 필요합니다.',
    'problem.auth.account_gone': '이 세션의 계정이 더 이상 없습니다. 다시 로그인하세요.',
    'problem.auth.origin_mismatch': '이 서버에서 연 페이지에서만 요청할 수 있습니다. 페이지를 새로 고친 뒤 다시 시도하세요.',
    'problem.auth.hash_unavailable': '지금은 요청을 처리할 수 없습니다. 잠시 후 다시 시도하세요.',
    'problem.auth.busy': '지금 로그인하는 사람이 많습니다. 잠시 후 다시 시도하세요.',
    'problem.validation.failed': '입력값이 올바르지 않습니다. 아래 항목을 확인하세요.',
    'problem.request.body_too_large': (p) => `요청이 너무 큽니다. 최대 ${p.limit_bytes}바이트까지 보낼 수 있습니다.`,
    'problem.request.invalid_json': '요청 형식이 올바르지 않습니다. 페이지를 새로 고친 뒤 다시 시도하세요.',
    'problem.request.unsupported_media_type': '요청 형식이 올바르지 않습니다. 페이지를 새로 고친 뒤 다시 시도하세요.',
    'problem.request.invalid_utf8': '입력값에 읽을 수 없는 문자가 있습니다.',
    'problem.db.unavailable': '데이터베이스가 응답하지 않습니다. 잠시 후 다시 시도하세요.',
    'problem.db.read_only': '지금은 데이터베이스가 변경을 받지 않습니다(읽기 전용). 조회는 됩니다. 잠시 후 다시 시도하세요.',
    'problem.internal.error': (p) => `서버 오류가 발생했습니다. 문의 시 요청 번호 ${p.request_id}를 알려 주세요.`,
    'role.admin': '시스템 관리자',
    'role.officer': '조달 담당관',
    'role.vendor': '공급·참여 기업',
    'role.auditor': '감사인',
    'role.tenant': '이용 기관',
    'kind.ministry': '정부 부처',
    'kind.vendor': '공급 기업',
    'kind.institute': '연구기관',
    'kind.university': '대학',
    'kind.company': '기업',
    'kind.auditor': '감사기관',
    'list.separator': ', ',
  },
  en: {
    'app.title': 'National AI Compute Procurement & Asset Registry',
    'app.owner': 'Ministry of Science and ICT',
    'skip': 'Skip to main content',
    'lang.label': 'Language',
    'loading': 'Checking your session…',
    'login.heading': 'Sign in',
    'login.intro': 'Enter the email address and password of your registered account.',
    'login.email': 'Email',
    'login.password': 'Password',
    'login.submit': 'Sign in',
    'login.busy': 'Signing in…',
    'whoami.heading': 'Signed in',
    'whoami.intro': 'You are signed in with this account.',
    'whoami.name': 'Name',
    'whoami.email': 'Email',
    'whoami.org': 'Organisation',
    'whoami.roles': 'Roles',
    'whoami.noRoles': 'No roles assigned',
    'whoami.inactive': 'Inactive account',
    'logout': 'Sign out',
    'logout.busy': 'Signing out…',
    'footer': 'For authorised users only. Every sign-in and every change is recorded in the audit trail.',
    'err.required': 'Enter both your email address and your password.',
    'err.network': 'Cannot reach the server. Check your network connection and try again.',
    'err.http': (p) => `The request could not be completed (HTTP ${p.status}).`,
    'err.badReply': 'The server reply could not be read. Try again shortly.',
    'problem.auth.invalid_credentials': 'Wrong email or password.',
    'problem.auth.throttled': (p) => (p.seconds
      ? `Too many attempts. Try again in ${p.seconds} ${p.seconds === 1 ? 'second' : 'seconds'}.`
      : 'Too many attempts. Try again shortly.'),
    'problem.auth.session_required': 'Please sign in.',
    'problem.auth.account_gone': 'The account of this session no longer exists. Sign in again.',
    'problem.auth.origin_mismatch': 'Requests are accepted only from pages of this server. Reload the page and try again.',
    'problem.auth.hash_unavailable': 'The request cannot be handled right now. Try again shortly.',
    'problem.auth.busy': 'Many people are signing in right now. Try again in a moment.',
    'problem.validation.failed': 'Some input is not valid; see below.',
    'problem.request.body_too_large': (p) => `The request is too large: at most ${p.limit_bytes} bytes.`,
    'problem.request.invalid_json': 'The request was malformed. Reload the page and try again.',
    'problem.request.unsupported_media_type': 'The request was malformed. Reload the page and try again.',
    'problem.request.invalid_utf8': 'The input contains characters that cannot be read.',
    'problem.db.unavailable': 'The database is not answering. Try again shortly.',
    'problem.db.read_only': 'The database accepts no changes for now (read-only). Reading still works. Try again later.',
    'problem.internal.error': (p) => `The server failed. Quote request ${p.request_id} when you report it.`,
    'role.admin': 'Administrator',
    'role.officer': 'Procurement officer',
    'role.vendor': 'Vendor / applicant',
    'role.auditor': 'Auditor',
    'role.tenant': 'Tenant organisation',
    'kind.ministry': 'Ministry',
    'kind.vendor': 'Vendor',
    'kind.institute': 'Research institute',
    'kind.university': 'University',
    'kind.company': 'Company',
    'kind.auditor': 'Audit body',
    'list.separator': ', ',
  },
};

const state = {
  lang: DEFAULT_LANG,
  user: null,          // the signed-in user object, or null
  loginError: null,    // a message (see renderMessage) or null
  logoutError: null,
  busy: false,
};

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- i18n

function t(key, params = {}) {
  const entry = MESSAGES[state.lang][key] ?? MESSAGES[DEFAULT_LANG][key];
  if (entry === undefined) return key;
  return typeof entry === 'function' ? entry(params) : entry;
}

// A code the dictionary does not know (a new role, say) is shown as is.
function label(prefix, code) {
  const key = `${prefix}.${code}`;
  return Object.hasOwn(MESSAGES[state.lang], key) ? t(key) : String(code);
}

function readStoredLang() {
  try {
    const v = window.localStorage.getItem(LANG_KEY);
    return v !== null && Object.hasOwn(MESSAGES, v) ? v : null;
  } catch {
    return null;   // storage disabled: fall back to the default
  }
}

function storeLang(lang) {
  try {
    window.localStorage.setItem(LANG_KEY, lang);
  } catch {
    /* storage disabled: the choice lasts for this page only */
  }
}

function applyLanguage() {
  document.documentElement.lang = state.lang;
  document.title = t('app.title');
  for (const el of document.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
  $('lang').value = state.lang;
  // Busy labels and dynamic content are derived from state, so re-render.
  renderBusy();
  renderUser();
  renderMessage($('login-error'), state.loginError);
  renderMessage($('logout-error'), state.logoutError);
}

// ---------------------------------------------------------------- views

function show(view) {
  $('loading').hidden = view !== 'loading';
  $('login').hidden = view !== 'login';
  $('whoami').hidden = view !== 'whoami';
}

// A message is {key, params, items} for our own text (a problem's code
// among them), or {text, items} for the detail of a problem whose code the
// catalogue lacks (shown as sent); items are the per-field errors.
function renderMessage(region, msg) {
  region.replaceChildren();
  if (!msg) return;
  const p = document.createElement('p');
  p.textContent = msg.key ? t(msg.key, msg.params ?? {}) : msg.text;
  region.append(p);
  if (msg.items && msg.items.length > 0) {
    const ul = document.createElement('ul');
    for (const item of msg.items) {
      const li = document.createElement('li');
      li.textContent = item;
      ul.append(li);
    }
    region.append(ul);
  }
}

function setLoginError(msg, invalidFields = []) {
  state.loginError = msg;
  renderMessage($('login-error'), msg);
  for (const id of ['email', 'password']) {
    if (invalidFields.includes(id)) $(id).setAttribute('aria-invalid', 'true');
    else $(id).removeAttribute('aria-invalid');
  }
}

function setLogoutError(msg) {
  state.logoutError = msg;
  renderMessage($('logout-error'), msg);
}

function renderBusy() {
  const submit = $('login-submit');
  const logout = $('logout');
  submit.disabled = state.busy;
  logout.disabled = state.busy;
  submit.textContent = t(state.busy && !state.user ? 'login.busy' : 'login.submit');
  logout.textContent = t(state.busy && state.user ? 'logout.busy' : 'logout');
  $('login-form').setAttribute('aria-busy', String(state.busy && !state.user));
}

function renderUser() {
  const u = state.user;
  if (!u) {
    for (const id of ['user-name', 'user-email', 'user-org', 'user-roles']) $(id).textContent = '';
    return;
  }
  $('user-name').textContent = u.active === false ? `${u.name} (${t('whoami.inactive')})` : u.name;
  $('user-email').textContent = u.email;

  const org = u.organization;
  if (org && org.name) {
    $('user-org').textContent = org.kind ? `${org.name} · ${label('kind', org.kind)}` : org.name;
  } else {
    $('user-org').textContent = u.organization_id != null ? `#${u.organization_id}` : '—';
  }

  const roles = Array.isArray(u.roles) ? u.roles : [];
  $('user-roles').textContent = roles.length > 0
    ? roles.map((r) => label('role', r)).join(t('list.separator'))
    : t('whoami.noRoles');
}

function showSignedIn(user, { focus = false } = {}) {
  state.user = user;
  setLoginError(null);
  setLogoutError(null);
  $('password').value = '';
  renderUser();
  renderBusy();
  show('whoami');
  if (focus) $('whoami-heading').focus();
}

function showSignedOut({ focus = false, error = null } = {}) {
  state.user = null;
  setLogoutError(null);
  setLoginError(error);
  $('password').value = '';
  renderUser();
  renderBusy();
  show('login');
  if (focus) $('email').focus();
}

// ---------------------------------------------------------------- HTTP

// fetch on the same origin with the session cookie. Resolves to
// {status, headers, data} where data is the parsed JSON body or null;
// rejects only when the server cannot be reached.
async function request(method, url, body) {
  const init = {
    method,
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { accept: 'application/json, application/problem+json' },
  };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(url, init);
  let data = null;
  const type = res.headers.get('content-type') || '';
  if (type.includes('json')) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  } else {
    // Read (and drop) any other body, so the request completes cleanly.
    try {
      await res.arrayBuffer();
    } catch {
      /* nothing to read */
    }
  }
  return { status: res.status, headers: res.headers, data };
}

// Retry-After is either delta-seconds or an HTTP date.
function retryAfterSeconds(value) {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.max(1, Number(v));
  const when = Date.parse(v);
  if (Number.isNaN(when)) return null;
  return Math.max(1, Math.ceil((when - Date.now()) / 1000));
}

// The problem's members as the catalogue's parameters; the wait of a
// throttled sign-in from retry_after_s, else from Retry-After.
function problemParams(p, reply) {
  const seconds = Number.isInteger(p.retry_after_s) && p.retry_after_s > 0 ? p.retry_after_s
    : retryAfterSeconds(reply.headers.get('retry-after'));
  return { ...p, seconds };
}

// An application/problem+json reply as {msg, fields, code}: the words the
// catalogue has for its code, with the numbers it carries; for a code the
// catalogue lacks, the detail (else the title) as sent. The per-field
// errors come as a list either way. The prose is never parsed.
function problemMessage(reply) {
  const p = reply.data && typeof reply.data === 'object' ? reply.data : null;
  const code = p && typeof p.code === 'string' ? p.code : null;
  const errors = p && Array.isArray(p.errors) ? p.errors : [];
  const items = errors
    .filter((e) => e && typeof e.message === 'string')
    .map((e) => (e.field ? `${e.field}: ${e.message}` : e.message));
  const fields = errors.map((e) => e && e.field).filter(Boolean);
  if (code !== null && Object.hasOwn(MESSAGES[DEFAULT_LANG], `problem.${code}`)) {
    return { msg: { key: `problem.${code}`, params: problemParams(p, reply), items }, fields, code };
  }
  const text = p && typeof p.detail === 'string' && p.detail !== '' ? p.detail
    : p && typeof p.title === 'string' && p.title !== '' ? p.title
      : null;
  if (text === null && items.length === 0) {
    return { msg: { key: 'err.http', params: { status: reply.status } }, fields, code };
  }
  return { msg: { text: text ?? '', items }, fields, code };
}

function isUser(u) {
  return u !== null && typeof u === 'object' && typeof u.email === 'string';
}

// ---------------------------------------------------------------- actions

async function checkSession() {
  show('loading');
  let reply;
  try {
    reply = await request('GET', '/api/v1/me');
  } catch {
    showSignedOut({ error: { key: 'err.network' } });
    return;
  }
  if (reply.status === 200 && isUser(reply.data)) {
    showSignedIn(reply.data);
  } else if (reply.status === 401) {
    showSignedOut({ focus: document.activeElement === document.body });
  } else if (reply.status === 200) {
    showSignedOut({ error: { key: 'err.badReply' } });
  } else {
    showSignedOut({ error: problemMessage(reply).msg });
  }
}

// A request made while the form is locked; null when the server cannot be
// reached.
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

  // Clear the previous error, so that a repeated failure is announced again.
  setLoginError(null);
  const reply = await busyRequest('POST', '/api/v1/auth/login', { email, password });

  if (reply === null) {
    setLoginError({ key: 'err.network' });
    return;
  }
  if (reply.status === 200) {
    // The reply also carries a bearer token for API clients; the browser's
    // session is the HttpOnly cookie, so the token is deliberately dropped.
    const user = reply.data && reply.data.user;
    if (isUser(user)) showSignedIn(user, { focus: true });
    else await checkSession();
    return;
  }
  const { msg, fields, code } = problemMessage(reply);
  if (code === 'auth.invalid_credentials') {
    setLoginError(msg, ['email', 'password']);
    $('password').value = '';
    $('password').focus();
    return;
  }
  setLoginError(msg, fields.filter((f) => f === 'email' || f === 'password'));
}

async function onLogout() {
  if (state.busy) return;
  setLogoutError(null);
  const reply = await busyRequest('POST', '/api/v1/auth/logout');

  if (reply === null) {
    setLogoutError({ key: 'err.network' });
  } else if (reply.status === 204 || reply.status === 200 || reply.status === 401) {
    // 401: the session had already ended; either way we are signed out.
    showSignedOut({ focus: true });
  } else {
    setLogoutError(problemMessage(reply).msg);
  }
}

function onLangChange(event) {
  const lang = event.target.value;
  if (!Object.hasOwn(MESSAGES, lang)) return;
  state.lang = lang;
  storeLang(lang);
  applyLanguage();
}

// ---------------------------------------------------------------- start

function start() {
  state.lang = readStoredLang() ?? DEFAULT_LANG;
  applyLanguage();
  $('lang').addEventListener('change', onLangChange);
  $('login-form').addEventListener('submit', onLoginSubmit);
  $('logout').addEventListener('click', onLogout);
  checkSession();
}

// Module scripts run after the document is parsed, so the elements exist.
start();
