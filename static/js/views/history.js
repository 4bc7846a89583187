// history.js -- a record's history: the audit events of its row, for the
// roles that may read the trail (administrators, auditors).
import { h } from '../dom.js';
import { t, label } from '../i18n.js';
import { get, query } from '../api.js';
import { dateTime } from '../format.js';
import { section, table } from '../ui.js';

// The catalogue's words for a table's status codes.
const STATUS = { purchase_orders: 'po.status', deliveries: 'dl.status', assets: 'asset.status', allocations: 'alloc.status', calls: 'call.status' };

// A value as a person reads it: a moment in Seoul time, a status in words.
function shown(tableName, k, v) {
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return dateTime(v);
  if (k === 'status' && STATUS[tableName] && typeof v === 'string') return label(STATUS[tableName], v);
  return v === null ? '—' : JSON.stringify(v);
}

// The fields an update changed, "status: draft → submitted".
function changes(e, tableName) {
  if (e.action !== 'update' || !e.before || !e.after) return '';
  return Object.keys(e.after)
    .filter((k) => k !== 'updated_at' && k !== 'version' && JSON.stringify(e.before[k]) !== JSON.stringify(e.after[k]))
    .map((k) => `${k}: ${shown(tableName, k, e.before[k])} → ${shown(tableName, k, e.after[k])}`)
    .join('; ');
}

export async function historySection(ctx, tableName, id) {
  if (!ctx.can(['admin', 'auditor'])) {
    return section(t('history.title'), h('p', { class: 'help' }, t('history.notForRole')));
  }
  const r = await get(`/api/v1/audit-events${query({ table: tableName, record_id: id, limit: 100 })}`);
  const items = r.status === 200 ? r.data.items : [];
  return section(t('history.title'), table({
    caption: t('history.title'),
    columns: [
      { label: t('history.at'), value: (e) => dateTime(e.at) },
      { label: t('history.actor'), value: (e) => (e.actor_user_id ? `#${e.actor_user_id}` : label('channel', e.channel)) },
      { label: t('history.action'), value: (e) => label('action', e.action) },
      { label: t('history.channel'), value: (e) => label('channel', e.channel) },
      { label: t('history.changes'), value: (e) => changes(e, tableName) },
    ],
    rows: items,
  }));
}
