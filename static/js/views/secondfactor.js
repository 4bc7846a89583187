// secondfactor.js -- the signed-in person's second factor (TOTP): start,
// with the otpauth:// URI as text, the base32 secret and a QR code; confirm
// with a code; the ten recovery codes shown once; new recovery codes;
// disable. Administrators choose the roles that require it (auditors see
// the choice).
import { h, replace } from '../dom.js';
import { t, label } from '../i18n.js';
import { get, post, call, problem } from '../api.js';
import { actionForm, alertBox, checkBoxes, code, facts, pageTitle, renderMessage, saveLink, section, withChecked } from '../ui.js';

const POLICY_ROLES = ['admin', 'officer', 'auditor'];
const SVG = 'http://www.w3.org/2000/svg';

// A code the person typed: six digits as totp, else a recovery code.
export const proof = (c = '') => (/^\d{6}$/.test(c.replace(/\s+/g, '')) ? { totp: c.replace(/\s+/g, '') } : { recovery_code: c.trim() });

// The QR code as SVG squares (uqr makes the matrix, in static/vendor/);
// nothing when the library is missing: the text beside it suffices.
async function qrCode(uri) {
  let matrix;
  try {
    const { encode } = await import('/vendor/uqr.mjs');
    matrix = encode(uri, { border: 2 });
  } catch {
    return null;
  }
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${matrix.size} ${matrix.size}`);
  svg.setAttribute('class', 'qr');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('tf.qr'));
  const bg = document.createElementNS(SVG, 'rect');
  for (const [k, v] of Object.entries({ width: matrix.size, height: matrix.size, class: 'qr-bg' })) bg.setAttribute(k, v);
  svg.append(bg);
  matrix.data.forEach((row, y) => row.forEach((on, x) => {
    if (!on) return;
    const r = document.createElementNS(SVG, 'rect');
    for (const [k, v] of Object.entries({ x, y, width: 1, height: 1 })) r.setAttribute(k, v);
    svg.append(r);
  }));
  return svg;
}

function recoveryCodes(codes) {
  return h('div', { id: 'recovery-codes' }, h('p', { class: 'notice warn' }, t('tf.codesOnce')),
    h('ol', { class: 'codes' }, codes.map((c) => h('li', {}, h('code', {}, c)))),
    h('div', { class: 'actions' }, saveLink(`${codes.join('\n')}\n`, 'recovery-codes.txt', t('tf.saveCodes'), { kind: 'primary' })));
}

const codeField = (name = 'code', help = t('tf.codeHelp')) => ({ name, label: t('login.code'), required: true, inputmode: 'numeric', autocomplete: 'one-time-code', help });

async function enrolment(ctx, out, e) {
  const qr = await qrCode(e.otpauth_uri);
  replace(out, h('div', { id: 'enrolment' },
    h('p', {}, t('tf.scan')), qr ? h('div', { class: 'qr-box' }, qr) : null,
    facts([[t('tf.secret'), h('code', { id: 'totp-secret' }, e.secret.match(/.{1,4}/g).join(' '))]]),
    h('p', {}, t('tf.uri')), code(e.otpauth_uri, 'otpauth-uri'),
    h('h4', {}, t('tf.confirmTitle')), actionForm({
      fields: [codeField('totp', t('tf.confirmHelp'))], submitLabel: t('tf.confirm'),
      submit: (v) => post('/api/v1/auth/second-factor/totp/confirm', { totp: String(v.totp ?? '').replace(/\s+/g, '') }),
      done: (d) => replace(out, h('p', { class: 'notice-ok', role: 'status' }, t('tf.active')), recoveryCodes(d.recovery_codes),
        h('p', {}, h('a', { href: '#/account/second-factor', onclick: () => ctx.rerender() }, t('tf.done')))),
    })));
}

function startButton(ctx, out, again) {
  const region = alertBox();
  const b = h('button', { type: 'button', class: 'button button-primary', id: 'tf-start' }, t(again ? 'tf.restart' : 'tf.start'));
  b.addEventListener('click', async () => {
    b.disabled = true;
    const r = await post('/api/v1/auth/second-factor/totp');
    b.disabled = false;
    if (r.status === 201) await enrolment(ctx, out, r.data);
    else renderMessage(region, problem(r).msg);
  });
  return [region, h('div', { class: 'actions' }, b)];
}

function activeForms(ctx, out) {
  return [
    h('details', { class: 'subform' }, h('summary', {}, t('tf.newCodes')), h('p', { class: 'help' }, t('tf.newCodesHelp')), actionForm({
      fields: [codeField()], submitLabel: t('tf.newCodesSubmit'),
      submit: (v) => post('/api/v1/auth/second-factor/recovery-codes', proof(String(v.code ?? ''))),
      done: (d) => replace(out, recoveryCodes(d.recovery_codes)),
    })),
    h('details', { class: 'danger-zone' }, h('summary', {}, t('tf.disable')), h('p', { class: 'help' }, t('tf.disableHelp')), actionForm({
      fields: [{ name: 'password', label: t('login.password'), type: 'password', required: true, autocomplete: 'current-password' }, codeField()],
      submitLabel: t('tf.disableSubmit'),
      submit: (v) => post('/api/v1/auth/second-factor/totp/disable', { password: v.password ?? '', ...proof(String(v.code ?? '')) }),
      done: () => ctx.rerender(),
    })),
  ];
}

async function policySection(ctx) {
  if (!ctx.can(['admin', 'auditor'])) return null;
  const r = await get('/api/v1/settings/second-factor');
  if (r.status !== 200) return null;
  const roles = r.data.required_roles ?? [];
  if (!ctx.can(['admin'])) return section(t('tf.policy'), facts([[t('tf.policyRoles'), roles.map((x) => label('role', x)).join(t('list.separator')) || t('tf.policyNone')]]));
  return section(t('tf.policy'), h('p', { class: 'help' }, t('tf.policyHelp')), actionForm({
    fields: [checkBoxes('roles', t('tf.policyRoles'), POLICY_ROLES.map((x) => ({ key: x, label: label('role', x), checked: roles.includes(x) })))],
    submitLabel: t('tf.policySave'),
    submit: (v) => call('PUT', '/api/v1/settings/second-factor', { required_roles: withChecked(v, 'roles').roles }),
    done: () => ctx.rerender(),
  }));
}

export async function secondFactorPage(ctx) {
  const r = await get('/api/v1/auth/second-factor');
  if (r.status !== 200) return ctx.failed(r);
  const s = r.data;
  const out = h('div', { id: 'tf-out', 'aria-live': 'polite' });
  const body = [facts([[t('tf.state'), h('span', { class: `badge badge-${s.totp === 'active' ? 'active' : 'pending'}`, id: 'tf-state' }, label('tf.totp', s.totp))],
    s.totp === 'active' ? [t('tf.codesLeft'), String(s.recovery_codes_left)] : null,
    [t('tf.required'), t(s.required ? 'tf.requiredYes' : 'tf.requiredNo')]])];
  if (s.required && s.totp !== 'active') body.push(h('p', { class: 'notice warn', id: 'tf-must' }, t('problem.auth.second_factor_enrolment_required')));
  body.push(...(s.totp === 'active' ? activeForms(ctx, out) : startButton(ctx, out, s.totp === 'pending')), out);
  return [pageTitle(t('tf.title')), h('p', { class: 'panel-intro' }, t('tf.intro')), section(t('tf.mine'), body), await policySection(ctx)];
}
