// admin.js -- what administrators keep: organisations, users and their
// roles, and the GPU catalogue.
import { h } from '../dom.js';
import { t, label } from '../i18n.js';
import { get, call, post } from '../api.js';
import { brn, dateTime } from '../format.js';
import { all, listScreen } from '../list.js';
import { actionForm, badge, checkBoxes, facts, link, options, pageTitle, section, withChecked } from '../ui.js';
import { historySection } from './history.js';

const KINDS = ['ministry', 'vendor', 'institute', 'university', 'company', 'auditor'];
const ROLES = ['admin', 'officer', 'vendor', 'auditor', 'tenant'];
const kindOptions = () => KINDS.map((k) => ({ value: k, label: label('kind', k) }));

export function orgsList(ctx) {
  return listScreen(ctx, {
    title: t('nav.orgs'),
    api: '/api/v1/organizations',
    actions: ctx.can(['admin']) ? [h('a', { class: 'button button-primary', href: '#/organizations/new' }, t('org.new'))] : [],
    filters: [{ name: 'q', label: t('org.search') }, { name: 'kind', label: t('org.kind'), type: 'select', placeholder: t('list.any'), options: kindOptions() }],
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
    out.push(section(t('common.edit'), actionForm({
      fields: [...orgFields(o), { name: 'active', label: t('common.active'), type: 'select', options: [{ value: 'true', label: label('bool', 'true') }, { value: 'false', label: label('bool', 'false') }], value: String(o.active) }],
      submitLabel: t('common.save'),
      submit: (v) => call('PATCH', `/api/v1/organizations/${o.id}`, { ...v, active: v.active === 'true' }),
      done: () => ctx.rerender(),
    })));
  }
  out.push(await historySection(ctx, 'organizations', o.id));
  return out;
}

export async function usersList(ctx) {
  return listScreen(ctx, {
    title: t('nav.users'),
    api: '/api/v1/users',
    actions: ctx.can(['admin']) ? [h('a', { class: 'button button-primary', href: '#/users/new' }, t('user.new'))] : [],
    filters: [{ name: 'role', label: t('user.role'), type: 'select', placeholder: t('list.any'), options: ROLES.map((r) => ({ value: r, label: label('role', r) })) }],
    columns: [
      { label: t('whoami.name'), value: (u) => link(`#/users/${u.id}`, u.name) },
      { label: t('whoami.email'), value: (u) => u.email },
      { label: t('whoami.org'), value: (u) => u.organization?.name ?? `#${u.organization_id}` },
      { label: t('whoami.roles'), value: (u) => (u.roles ?? []).map((x) => label('role', x)).join(', ') },
      { label: t('common.active'), value: (u) => badge('bool', String(u.active)) },
    ],
  });
}

const roleBoxes = (current = []) => checkBoxes('roles', t('whoami.roles'), ROLES.map((r) => ({ key: r, label: label('role', r), checked: current.includes(r) })));
const withRoles = (v) => withChecked(v, 'roles');

export async function userNew(ctx) {
  const orgs = await all('/api/v1/organizations');
  return [pageTitle(t('user.new')), actionForm({
    fields: [
      { name: 'name', label: t('whoami.name'), required: true },
      { name: 'email', label: t('whoami.email'), type: 'email', required: true },
      { name: 'organization_id', label: t('whoami.org'), type: 'select', required: true, options: options(orgs) },
      { name: 'password', label: t('user.password'), type: 'password', required: true, help: t('user.passwordHelp'), autocomplete: 'new-password' },
      roleBoxes(),
    ],
    submitLabel: t('common.create'),
    submit: (v) => post('/api/v1/users', { ...withRoles(v), organization_id: Number(v.organization_id) }),
    done: (u) => ctx.navigate(`/users/${u.id}`),
  })];
}

export async function userPage(ctx) {
  const r = await get(`/api/v1/users/${ctx.params.id}`);
  if (r.status !== 200) return ctx.failed(r);
  const u = r.data;
  const out = [pageTitle(u.name), section(t('user.summary'), facts([
    [t('whoami.email'), u.email], [t('whoami.org'), u.organization?.name ?? ''],
    [t('whoami.roles'), (u.roles ?? []).map((x) => label('role', x)).join(', ')], [t('common.active'), badge('bool', String(u.active))],
  ]))];
  if (ctx.can(['admin'])) {
    out.push(section(t('user.rolesTitle'), actionForm({
      fields: [roleBoxes(u.roles), { name: 'active', label: t('common.active'), type: 'select', options: [{ value: 'true', label: label('bool', 'true') }, { value: 'false', label: label('bool', 'false') }], value: String(u.active) }],
      submitLabel: t('common.save'),
      submit: (v) => { const b = withRoles(v); b.active = b.active === 'true'; return call('PATCH', `/api/v1/users/${u.id}`, b); },
      done: () => ctx.rerender(),
    })));
  }
  out.push(await historySection(ctx, 'users', u.id));
  return out;
}

export function modelsList(ctx) {
  const list = listScreen(ctx, {
    title: t('nav.models'),
    api: '/api/v1/gpu-models',
    columns: [
      { label: t('model.manufacturer'), value: (m) => m.manufacturer },
      { label: t('po.model'), value: (m) => m.model },
      { label: t('model.memory'), num: true, value: (m) => `${m.memory_gb} GB` },
      { label: t('model.form'), value: (m) => m.form_factor },
      { label: t('model.tdp'), num: true, value: (m) => `${m.tdp_watts} W` },
      { label: t('common.active'), value: (m) => badge('bool', String(m.active)) },
    ],
  });
  if (!ctx.can(['admin'])) return list;
  return list.then((nodes) => [...nodes, section(t('model.new'), actionForm({
    fields: [
      { name: 'manufacturer', label: t('model.manufacturer'), required: true, value: 'NVIDIA' },
      { name: 'model', label: t('po.model'), required: true },
      { name: 'memory_gb', label: t('model.memory'), type: 'number', min: 1, required: true },
      { name: 'form_factor', label: t('model.form'), required: true, value: 'SXM' },
      { name: 'tdp_watts', label: t('model.tdp'), type: 'number', min: 1, required: true },
    ],
    submitLabel: t('common.create'),
    submit: (v) => post('/api/v1/gpu-models', v),
    done: () => ctx.rerender(),
  }))]);
}
