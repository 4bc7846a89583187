// orgkeys.js -- a company's signing keys: the Ed25519 public keys its
// users registered (active or revoked), a new pair made in this browser
// whose secret half the person saves as a file before the public half is
// registered, and revocation. A proposal signed with a key (proposals.js)
// carries the key's id in its receipt.
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, problem } from '../api.js';
import { dateTime } from '../format.js';
import { newKey } from '../signing.js';
import { actionButton, alertBox, badge, facts, field, noticeBox, pageTitle, renderMessage, saveLink, section, table } from '../ui.js';

function revokeAction(ctx, k, region) {
  if (k.revoked_at) return '—';
  return h('details', { class: 'danger-zone' }, h('summary', {}, t('okey.revoke')), h('p', { class: 'help' }, t('okey.revokeHelp')),
    actionButton(t('okey.revokeConfirm'), () => post(`/api/v1/organization-keys/${k.id}/revoke`), region, () => ctx.rerender(), { kind: 'danger' }));
}

function keysTable(ctx, items, region) {
  return table({
    caption: t('okey.list'),
    columns: [
      { label: t('okey.label'), value: (k) => k.label },
      { label: t('okey.keyId'), value: (k) => h('code', {}, k.key_id) },
      { label: t('okey.added'), value: (k) => dateTime(k.added_at) },
      { label: t('okey.state'), value: (k) => (k.revoked_at ? [badge('okey.state', 'revoked'), ' ', dateTime(k.revoked_at)] : badge('okey.state', 'active')) },
      { label: t('okey.action'), value: (k) => revokeAction(ctx, k, region) },
    ],
    rows: items,
    empty: t('okey.none'),
  });
}

// The pair just made: its id and public half, the secret half to save,
// and the registration, offered once the file has been saved.
function generated(ctx, k) {
  const region = alertBox();
  const register = h('button', { type: 'button', class: 'button button-primary', id: 'key-register', disabled: true }, t('okey.register'));
  const save = saveLink(k.file, `signing-key-${k.keyId.slice(0, 12)}.key`, t('okey.save'), { kind: 'primary' });
  save.id = 'key-save';
  save.addEventListener('click', () => { register.disabled = false; });
  register.addEventListener('click', async () => {
    register.disabled = true;
    const r = await post('/api/v1/organization-keys', { public_key: k.publicKey, label: k.label });
    if (r.status === 201) { ctx.navigate(`/organization-keys?added=${r.data.id}`); return; }
    register.disabled = false;
    renderMessage(region, problem(r).msg);
  });
  return [facts([[t('okey.label'), k.label], [t('okey.keyId'), h('code', { id: 'new-key-id' }, k.keyId)], [t('okey.publicKey'), h('code', {}, k.publicKey)]]),
    h('p', { class: 'notice warn' }, t('okey.keepSecret')), region, h('div', { class: 'actions' }, save, register)];
}

function newKeyForm(ctx) {
  const out = h('div', { id: 'new-key', 'aria-live': 'polite' });
  const region = alertBox();
  const form = h('form', { class: 'form', id: 'key-form', novalidate: true }, region,
    h('div', { class: 'form-grid' }, field({ name: 'label', label: t('okey.label'), required: true, help: t('okey.labelHelp') })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button button-secondary', id: 'key-generate' }, t('okey.generate'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const label = form.elements.label.value.trim();
    replace(region);
    if (label === '') { renderMessage(region, { key: 'okey.needLabel' }); return; }
    try {
      replace(out, generated(ctx, await newKey(label)));
    } catch {
      renderMessage(region, { key: 'okey.failed' });
    }
  });
  return [h('p', { class: 'panel-intro' }, t('okey.newIntro')), form, out];
}

export async function orgKeysPage(ctx) {
  const r = await get('/api/v1/organization-keys');
  if (r.status !== 200) return ctx.failed(r);
  const items = r.data.items;
  const region = alertBox();
  const added = items.find((k) => String(k.id) === ctx.query.added);
  const notice = noticeBox();
  if (added) notice.textContent = t('okey.registered', { label: added.label });
  return [pageTitle(t('okey.title')), h('p', { class: 'panel-intro' }, t('okey.intro')), notice,
    section(t('okey.list'), region, keysTable(ctx, items, region)),
    section(t('okey.new'), newKeyForm(ctx))];
}
