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
import { all, listScreen } from '../list.js';
import { checkNote, fromBase64 } from '../seal.js';
import { leafHash, verifyInclusion } from '../merkle.js';
import { alertBox, code, facts, options, renderMessage, section } from '../ui.js';

// The latest signed checkpoint, and its signature as this page finds it.
async function latestCheckpoint(keys) {
  const c = await get('/api/v1/audit/checkpoints?limit=1');
  const cp = c.status === 200 ? c.data.latest : null;
  return { cp, sig: cp ? await checkNote(cp.note, keys).catch(() => 'unchecked') : null };
}

function checkpointSection({ cp, sig }) {
  if (!cp) return section(t('audit.checkpoint'), h('p', { class: 'empty' }, t('audit.noCheckpoint')));
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
// The end of a day in Seoul: the first moment of the next one.
function afterSeoulDay(d) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d ?? '')) return d;
  const next = new Date(Date.parse(`${d}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);
  return `${next}T00:00:00+09:00`;
}

// What the trail records: row changes, and the events that are not one.
const ACTIONS = ['insert', 'update', 'delete', 'sign_in', 'sign_in_failed', 'guidelines_download', 'download'];

// One event proven a leaf of the checkpoint whose signature the page
// checked: the proof's hashes from the server, the hashing here.
async function prove(e, signed, out) {
  const { cp } = signed;
  out.className = 'notice';
  if (signed.sig !== 'valid') { replace(out, t('audit.proofNoCheckpoint')); return; }
  if (e.leaf_index >= cp.tree_size) { replace(out, t('audit.proofLater', { event: e.id, leaf: e.leaf_index, size: cp.tree_size })); return; }
  replace(out, t('audit.proving'));
  const r = await get(`/api/v1/audit/proof/inclusion?leaf=${e.leaf_index}&size=${cp.tree_size}`);
  if (r.status !== 200) { out.className = 'alert'; renderMessage(out, problem(r).msg); return; }
  const ok = await verifyInclusion(e.leaf_index, cp.tree_size, await leafHash(fromBase64(e.leaf)),
    r.data.proof.map(fromBase64), fromBase64(cp.root_hash));
  out.className = ok ? 'notice-ok' : 'alert';
  replace(out, t(ok ? 'audit.proven' : 'audit.notProven', { event: e.id, leaf: e.leaf_index, size: cp.tree_size }));
}

function leafCell(e, signed, out) {
  if (e.leaf_index == null) return t('audit.notYet');
  return [String(e.leaf_index), ' ', h('button', { type: 'button', class: 'button button-secondary', onclick: () => prove(e, signed, out) },
    t('audit.prove'), h('span', { class: 'visually-hidden' }, ` ${e.leaf_index}`))];
}

export async function auditPage(ctx) {
  const k = await get('/api/v1/keys');
  const keys = k.status === 200 ? [k.data.signing_key, ...(k.data.previous_keys ?? [])] : [];
  const signed = await latestCheckpoint(keys);
  const out = h('div', { id: 'proof-result', role: 'status', 'aria-live': 'polite' });
  const [users, orgs] = await Promise.all([all('/api/v1/users'), all('/api/v1/organizations')]);
  const userOf = new Map(users.map((u) => [u.id, u]));
  const list = await listScreen(ctx, {
    title: t('nav.audit'),
    api: '/api/v1/audit/events',
    filters: [
      { name: 'table', label: t('exp.f.table'), help: t('exp.tableHelp') },
      { name: 'record_id', label: t('audit.record') },
      { name: 'actor_user_id', label: t('audit.actorUser'), type: 'select', placeholder: t('list.any'), options: options(users, (u) => `${u.name} · ${u.email}`) },
      { name: 'actor_org_id', label: t('audit.actorOrg'), type: 'select', placeholder: t('list.any'), options: options(orgs) },
      { name: 'action', label: t('history.action'), type: 'select', placeholder: t('list.any'), options: ACTIONS.map((a) => ({ value: a, label: label('action', a) })) },
      { name: 'since', label: t('audit.since'), type: 'date' },
      { name: 'until', label: t('audit.until'), type: 'date', help: t('audit.untilHelp') },
    ],
    apiQuery: (q) => ({ table: q.table, record_id: q.record_id, actor_user_id: q.actor_user_id, actor_org_id: q.actor_org_id,
      action: q.action, since: seoulDay(q.since), until: afterSeoulDay(q.until) }),
    columns: [
      { label: t('history.at'), value: (e) => dateTime(e.at) },
      { label: t('history.actor'), value: (e) => (e.actor_user_id ? userOf.get(e.actor_user_id)?.name ?? `#${e.actor_user_id}` : '—') },
      { label: t('whoami.roles'), value: (e) => (e.actor_roles ?? []).map((r) => label('role', r)).join(', ') },
      { label: t('history.channel'), value: (e) => label('channel', e.channel) },
      { label: t('exp.f.table'), value: (e) => tableName(e.table_name) },
      { label: t('audit.record'), value: (e) => e.record_id ?? '' },
      { label: t('history.action'), value: (e) => label('action', e.action) },
      { label: t('audit.leaf'), num: true, value: (e) => leafCell(e, signed, out) },
    ],
  });
  const [head, ...rest] = list;
  return [head, h('p', { class: 'panel-intro' }, t('audit.intro')), checkpointSection(signed),
    verifySection(keys[0]?.verifier_key ?? '<verifier key>'), section(t('audit.events'), h('p', { class: 'help' }, t('audit.proveHelp')), out, rest)];
}
