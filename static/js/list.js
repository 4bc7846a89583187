// list.js -- a list screen: filters in the address (so a filtered page can
// be bookmarked and the back button works), a readable table, and keyset
// paging with the API's cursor (fast at any depth: no page numbers).
import { h, replace } from './dom.js';
import { t } from './i18n.js';
import { get, query, problem } from './api.js';
import { alertBox, field, formValues, pageTitle, refuseTyped, renderMessage, table } from './ui.js';

export const PAGE_SIZE = 25;

function filterForm(filters, ctx) {
  const alert = alertBox();
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('list.filters'), novalidate: true }, alert,
    filters.map((f) => field({ ...f, value: ctx.query[f.name] ?? '', required: false })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'button button-primary' }, t('list.apply')),
      h('a', { class: 'button button-secondary', href: `#${ctx.path}` }, t('list.reset'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    replace(alert);
    if (refuseTyped(form, alert)) return;
    ctx.navigate(ctx.path + query(formValues(form)));
  });
  return form;
}

function pager(ctx, next) {
  const { cursor, ...rest } = ctx.query;
  return h('nav', { class: 'pager', 'aria-label': t('list.paging') },
    cursor ? h('a', { class: 'button button-secondary', href: `#${ctx.path}${query(rest)}` }, t('list.first')) : null,
    next ? h('a', { class: 'button button-secondary', href: `#${ctx.path}${query({ ...rest, cursor: next })}`, rel: 'next' }, t('list.next')) : null);
}

// spec: {title, api, filters: [field spec], columns, actions: [Node],
// apiQuery(query) -> the API's parameters (default: the filters as given)}.
export async function listScreen(ctx, spec) {
  const filters = spec.filters ?? [];
  const params = spec.apiQuery ? spec.apiQuery(ctx.query) : Object.fromEntries(filters.map((f) => [f.name, ctx.query[f.name]]));
  const reply = await get(spec.api + query({ ...params, limit: PAGE_SIZE, cursor: ctx.query.cursor }));
  const body = [pageTitle(spec.title, ...(spec.actions ?? []))];
  if (filters.length) body.push(filterForm(filters, ctx));
  if (reply.status !== 200) {
    const box = alertBox();
    renderMessage(box, problem(reply).msg);
    return [...body, box];
  }
  const items = reply.data.items ?? [];
  body.push(h('p', { class: 'list-count', role: 'status' }, t('list.shown', { n: items.length })));
  body.push(table({ caption: spec.title, columns: spec.columns, rows: items }));
  body.push(pager(ctx, reply.data.next));
  return body;
}

// Every page of a list (for small lists: selects of programmes, models).
export async function all(api, max = 10) {
  const out = [];
  let cursor;
  for (let i = 0; i < max; i++) {
    const r = await get(api + (api.includes('?') ? '&' : '?') + query({ limit: 100, cursor }).slice(1));
    if (r.status !== 200) break;
    out.push(...r.data.items);
    if (!r.data.next) break;
    cursor = r.data.next;
  }
  return out;
}
