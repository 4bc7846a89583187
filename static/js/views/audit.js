// audit.js -- the audit trail for auditors (and administrators): the
// events with filters, the latest signed checkpoint with its signature
// checked in this browser against the service's public key, and the
// verification of the whole trail against every signed checkpoint
// (GET /api/v1/audit/verify), which names the first event that does not
// match.
import { h, replace } from '../dom.js';
import { t, has, label } from '../i18n.js';
import { get, problem } from '../api.js';
import { dateTime, number } from '../format.js';
import { listScreen } from '../list.js';
import { checkNote } from '../seal.js';
import { alertBox, code, facts, renderMessage, section } from '../ui.js';

async function latestCheckpoint(keys) {
  const c = await get('/api/v1/audit/checkpoints?limit=1');
  const cp = c.status === 200 ? c.data.latest : null;
  if (!cp) return section(t('audit.checkpoint'), h('p', { class: 'empty' }, t('audit.noCheckpoint')));
  const sig = await checkNote(cp.note, keys).catch(() => 'unchecked');
  return section(t('audit.checkpoint'), facts([
    [t('audit.treeSize'), number(cp.tree_size)], [t('audit.root'), h('code', {}, cp.root_hash)],
    [t('audit.signedAt'), dateTime(cp.signed_at)], [t('audit.keyId'), h('code', {}, cp.key_id)],
    [t('audit.signature'), h('span', { id: 'checkpoint-signature', class: `badge badge-${sig === 'valid' ? 'active' : 'failed'}` }, label('audit.sig', sig))],
  ]), h('details', {}, h('summary', {}, t('audit.note')), code(cp.note)));
}

function mismatch(m) {
  return facts([[t('audit.kind'), label('audit.kind', m.kind)], [t('audit.leaf'), m.leaf_index == null ? '' : String(m.leaf_index)],
    [t('audit.event'), m.event_id == null ? '' : String(m.event_id)], [t('audit.checkpointSize'), m.checkpoint_size == null ? '' : number(m.checkpoint_size)],
    [t('audit.detail'), m.detail ?? '']]);
}

function verdict(v) {
  const latest = v.latest_checkpoint;
  const head = h('p', { class: v.ok ? 'notice-ok' : 'alert', role: 'status', id: 'verify-verdict' },
    t(v.ok ? 'audit.ok' : 'audit.bad', { leaves: v.tree_size, checkpoints: v.checkpoints_checked }));
  return [head, facts([
    [t('audit.treeSize'), number(v.tree_size)], [t('audit.checked'), number(v.checkpoints_checked)],
    latest ? [t('audit.latest'), t(latest.matches ? 'audit.latestMatches' : 'audit.latestDiffers', { size: latest.tree_size })] : null,
  ]), v.first_mismatch ? mismatch(v.first_mismatch) : null];
}

function verifySection(verifier) {
  const out = h('div', { id: 'verify-out', 'aria-live': 'polite' });
  const region = alertBox();
  const b = h('button', { type: 'button', class: 'button button-primary', id: 'audit-verify' }, t('audit.verify'));
  b.addEventListener('click', async () => {
    b.disabled = true;
    replace(out, h('p', { class: 'lead' }, t('audit.verifying')));
    const r = await get('/api/v1/audit/verify');
    b.disabled = false;
    if (r.status === 200) replace(out, verdict(r.data));
    else { replace(out); renderMessage(region, problem(r).msg); }
  });
  return section(t('audit.verifyTitle'), h('p', { class: 'help' }, t('audit.verifyHelp')), h('div', { class: 'actions' }, b), region, out,
    h('p', { class: 'help' }, t('audit.offline')),
    code(`registry audit export --out audit-log.jsonl\nregistry audit verify-offline --public-key '${verifier}' audit-log.jsonl`, 'audit-offline'));
}

// A table by its word, with the name the filter takes beside it.
const tableName = (name) => (!name ? '' : has(`table.${name}`) ? [t(`table.${name}`), ' ', h('code', {}, name)] : h('code', {}, name));

const seoulDay = (d) => (/^\d{4}-\d{2}-\d{2}$/.test(d ?? '') ? `${d}T00:00:00+09:00` : d);

export async function auditPage(ctx) {
  const list = await listScreen(ctx, {
    title: t('nav.audit'),
    api: '/api/v1/audit-events',
    filters: [
      { name: 'table', label: t('exp.f.table'), help: t('exp.tableHelp') },
      { name: 'record_id', label: t('audit.record') },
      { name: 'actor_user_id', label: t('exp.f.actor_user_id'), type: 'number', min: 1 },
      { name: 'action', label: t('history.action'), help: t('audit.actionHelp') },
      { name: 'since', label: t('audit.since'), type: 'date' },
    ],
    apiQuery: (q) => ({ table: q.table, record_id: q.record_id, actor_user_id: q.actor_user_id, action: q.action, since: seoulDay(q.since) }),
    columns: [
      { label: t('history.at'), value: (e) => dateTime(e.at) },
      { label: t('history.actor'), value: (e) => (e.actor_user_id ? `#${e.actor_user_id}` : '—') },
      { label: t('whoami.roles'), value: (e) => (e.actor_roles ?? []).map((r) => label('role', r)).join(', ') },
      { label: t('history.channel'), value: (e) => label('channel', e.channel) },
      { label: t('exp.f.table'), value: (e) => tableName(e.table_name) },
      { label: t('audit.record'), value: (e) => e.record_id ?? '' },
      { label: t('history.action'), value: (e) => label('action', e.action) },
      { label: t('audit.leaf'), num: true, value: (e) => (e.leaf_index == null ? t('audit.notYet') : String(e.leaf_index)) },
    ],
  });
  const k = await get('/api/v1/keys');
  const keys = k.status === 200 ? [k.data.signing_key, ...(k.data.previous_keys ?? [])] : [];
  const [head, ...rest] = list;
  return [head, h('p', { class: 'panel-intro' }, t('audit.intro')), await latestCheckpoint(keys),
    verifySection(keys[0]?.verifier_key ?? '<verifier key>'), section(t('audit.events'), rest)];
}
