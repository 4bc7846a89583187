// admin.js -- what administrators keep: organisations, users and their
// roles, and the GPU catalogue.
import { h } from '../dom.js';
import { t, label } from '../i18n.js';
import { get, post } from '../api.js';
import { brn, dateTime } from '../format.js';
import { all, listScreen } from '../list.js';
import { actionForm, activeOptions, badge, checkBoxes, editForm, facts, link, options, orNull, pageTitle, section, withChecked } from '../ui.js';
import { historySection } from './history.js';

const KINDS = ['ministry', 'vendor', 'institute', 'university', 'company', 'auditor'];
const ROLES = ['admin', 'officer', 'vendor', 'auditor', 'tenant'];
const kindOptions = () => KINDS.map((k) => ({ value: k, label: label('kind', k) }));
const activeField = (value) => ({ name: 'active', label: t('common.active'), type: 'select', options: activeOptions(), value: value === undefined ? undefined : String(value) });
const activeFilter = () => ({ ...activeField(), placeholder: t('list.any') });
const withActive = (v) => ({ ...v, active: v.active === 'true' });

export function orgsList(ctx) {
  return listScreen(ctx, {
    title: t('nav.orgs'),
    api: '/api/v1/organizations',
    actions: ctx.can(['admin']) ? [h('a', { class: 'button button-primary', href: '#/organizations/new' }, t('org.new'))] : [],
    filters: [{ name: 'q', label: t('org.search') }, { name: 'kind', label: t('org.kind'), type: 'select', placeholder: t('list.any'), options: kindOptions() }, activeFilter()],
    columns: [
      { label: t('org.name'), value: (o) => link(`#/organizations/${o.id}`, o.name) },
      { label: t('org.kind'), value: (o) => label('kind', o.kind) },
      { label: t('org.brn'), value: (o) => brn(o.registration_number) },
      { label: t('org.country'), value: (o) => o.country ?? '' },
      { label: t('common.active'), value: (o) => badge('bool', String(o.active)) },
    ],
  });
}

const orgFields = (o = {}) => [
  { name: 'name', label: t('org.name'), required: true, value: o.name },
  { name: 'kind', label: t('org.kind'), type: 'select', required: true, options: kindOptions(), value: o.kind },
  { name: 'registration_number', label: t('org.brn'), help: t('org.brnHelp'), value: o.registration_number, inputmode: 'numeric' },
  { name: 'country', label: t('org.country'), value: o.country ?? 'KR' },
];

export function orgNew(ctx) {
  return [pageTitle(t('org.new')), actionForm({
    fields: orgFields(), submitLabel: t('common.create'),
    submit: (v) => post('/api/v1/organizations', v), done: (o) => ctx.navigate(`/organizations/${o.id}`),
  })];
}

export async function orgPage(ctx) {
  const r = await get(`/api/v1/organizations/${ctx.params.id}`);
  if (r.status !== 200) return ctx.failed(r);
  const o = r.data;
  const out = [pageTitle(o.name), section(t('org.summary'), facts([
    [t('org.kind'), label('kind', o.kind)], [t('org.brn'), brn(o.registration_number)],
    [t('org.country'), o.country ?? ''], [t('common.active'), badge('bool', String(o.active))], [t('common.created'), dateTime(o.created_at)],
  ]))];
  if (ctx.can(['admin'])) {
    out.push(section(t('common.edit'), editForm(ctx, {
      url: `/api/v1/organizations/${o.id}`,
      etag: r.headers.get('etag'),
      fields: [...orgFields(o), activeField(o.active)],
      body: (v) => orNull(withActive(v), 'registration_number'),
    })));
  }
  out.push(await historySection(ctx, 'organizations', o.id));
  return out;
}

export async function usersList(ctx) {
  const orgs = await all('/api/v1/organizations');
  return listScreen(ctx, {
    title: t('nav.users'),
    api: '/api/v1/users',
    actions: ctx.can(['admin']) ? [h('a', { class: 'button button-primary', href: '#/users/new' }, t('user.new'))] : [],
    filters: [{ name: 'role', label: t('user.role'), type: 'select', placeholder: t('list.any'), options: ROLES.map((r) => ({ value: r, label: label('role', r) })) },
      { name: 'organization_id', label: t('whoami.org'), type: 'select', placeholder: t('list.any'), options: options(orgs) }, activeFilter()],
    columns: [
      { label: t('whoami.name'), value: (u) => link(`#/users/${u.id}`, u.name) },
      { label: t('whoami.email'), value: (u) => u.email },
      { label: t('whoami.org'), value: (u) => u.organization?.name ?? `#${u.organization_id}` },
      { label: t('whoami.roles'), value: (u) => (u.roles ?? []).map((x) => label('role', x)).join(', ') },
      { label: t('common.active'), value: (u) => badge('bool', String(u.active)) },
      { label: t('user.sfTitle'), value: (u) => sfState(u) },
    ],
  });
}

// Whether the user has a confirmed second factor, as the user's own page words it.
const sfState = (u) => label('tf.totp', u.second_factor_active ? 'active' : 'none');

const roleBoxes = (current = []) => checkBoxes('roles', t('whoami.roles'), ROLES.map((r) => ({ key: r, label: label('role', r), checked: current.includes(r) })));
const withRoles = (v) => withChecked(v, 'roles');

// A user's fields; editing, the password is a new one, or kept when empty.
const userFields = (orgs, u = {}, editing = false) => [
  { name: 'name', label: t('whoami.name'), required: true, value: u.name },
  { name: 'email', label: t('whoami.email'), type: 'email', required: true, value: u.email },
  { name: 'organization_id', label: t('whoami.org'), type: 'select', required: true, options: options(orgs), value: u.organization_id },
  { name: 'password', label: t(editing ? 'user.newPassword' : 'user.password'), type: 'password', required: !editing,
    help: t(editing ? 'user.newPasswordHelp' : 'user.passwordHelp'), autocomplete: 'new-password' },
  roleBoxes(u.roles),
];

export async function userNew(ctx) {
  const orgs = await all('/api/v1/organizations');
  return [pageTitle(t('user.new')), actionForm({
    fields: userFields(orgs),
    submitLabel: t('common.create'),
    submit: (v) => post('/api/v1/users', { ...withRoles(v), organization_id: Number(v.organization_id) }),
    done: (u) => ctx.navigate(`/users/${u.id}`),
  })];
}

// An administrator removes a user's second factor (a lost phone): the
// user signs in with the password alone, and enrols again where the role
// requires it. The trail records who did it. Offered only while there is
// one; once removed, the form goes and the page's state follows.
function sfResetForm(u, shown) {
  if (!u.second_factor_active) return h('p', { class: 'help', id: 'sf-none' }, t('user.sfNone'));
  const done = h('div', { id: 'sf-reset-done', role: 'status', tabindex: '-1' });
  const zone = h('details', { class: 'danger-zone' }, h('summary', {}, t('user.sfReset')), actionForm({
    fields: [],
    submitLabel: t('user.sfResetConfirm', { name: u.name }),
    submit: () => post(`/api/v1/users/${u.id}/second-factor/reset`),
    done: (s) => {
      done.textContent = t('user.sfResetDone', { name: u.name, state: label('tf.totp', s.totp) });
      shown.textContent = sfState({ second_factor_active: s.totp === 'active' });
      zone.remove();
      done.focus();         // the button that had the focus is gone
    },
  }));
  return [h('p', { class: 'help' }, t('user.sfHelp')), zone, done];
}

export async function userPage(ctx) {
  const r = await get(`/api/v1/users/${ctx.params.id}`);
  if (r.status !== 200) return ctx.failed(r);
  const u = r.data;
  const sf = h('span', { id: 'user-sf' }, sfState(u));
  const out = [pageTitle(u.name), section(t('user.summary'), facts([
    [t('whoami.email'), u.email], [t('whoami.org'), u.organization?.name ?? ''],
    [t('whoami.roles'), (u.roles ?? []).map((x) => label('role', x)).join(', ')], [t('common.active'), badge('bool', String(u.active))],
    [t('user.sfTitle'), sf],
  ]))];
  if (ctx.can(['admin'])) {
    const orgs = await all('/api/v1/organizations');
    out.push(section(t('user.editTitle'), editForm(ctx, {
      url: `/api/v1/users/${u.id}`,
      etag: r.headers.get('etag'),
      fields: [...userFields(orgs, u, true), activeField(u.active)],
      body: (v) => withActive(withRoles(v)),
    })), section(t('user.sfTitle'), sfResetForm(u, sf)));
  }
  out.push(await historySection(ctx, 'users', u.id));
  return out;
}

const modelFields = (m) => [
  { name: 'manufacturer', label: t('model.manufacturer'), required: true, value: m.manufacturer },
  { name: 'model', label: t('po.model'), required: true, value: m.model },
  { name: 'memory_gb', label: t('model.memory'), type: 'number', min: 1, required: true, value: m.memory_gb },
  { name: 'form_factor', label: t('model.form'), required: true, value: m.form_factor },
  { name: 'tdp_watts', label: t('model.tdp'), type: 'number', min: 1, required: true, value: m.tdp_watts },
  { name: 'depreciation_months', label: t('model.depreciation'), type: 'number', min: 1, value: m.depreciation_months },
];

// A model of the catalogue as it was read; inactive, it is offered for no
// new order, and the assets of the old ones keep it.
export async function modelPage(ctx) {
  const r = await get(`/api/v1/gpu-models/${ctx.params.id}`);
  if (r.status !== 200) return ctx.failed(r);
  const m = r.data;
  return [pageTitle(`${m.manufacturer} ${m.model}`), section(t('common.edit'), h('p', { class: 'help' }, t('model.activeHelp')), editForm(ctx, {
    url: `/api/v1/gpu-models/${m.id}`,
    etag: r.headers.get('etag'),
    fields: [...modelFields(m), activeField(m.active)],
    body: withActive,
    done: () => ctx.navigate('/gpu-models'),
  })), await historySection(ctx, 'gpu_models', m.id)];
}

export function modelsList(ctx) {
  const list = listScreen(ctx, {
    title: t('nav.models'),
    api: '/api/v1/gpu-models',
    filters: [activeFilter()],
    columns: [
      { label: t('model.manufacturer'), value: (m) => m.manufacturer },
      { label: t('po.model'), value: (m) => (ctx.can(['admin']) ? link(`#/gpu-models/${m.id}`, m.model) : m.model) },
      { label: t('model.memory'), num: true, value: (m) => `${m.memory_gb} GB` },
      { label: t('model.form'), value: (m) => m.form_factor },
      { label: t('model.tdp'), num: true, value: (m) => `${m.tdp_watts} W` },
      { label: t('common.active'), value: (m) => badge('bool', String(m.active)) },
    ],
  });
  if (!ctx.can(['admin'])) return list;
  return list.then((nodes) => [...nodes, section(t('model.new'), actionForm({
    fields: modelFields({ manufacturer: 'NVIDIA', form_factor: 'SXM' }),
    submitLabel: t('common.create'),
    submit: (v) => post('/api/v1/gpu-models', v),
    done: () => ctx.rerender(),
  }))]);
}
