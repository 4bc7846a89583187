// home.js -- the page after sign-in: who is signed in (the #whoami panel
// of index.html) and a tile for each menu of the person's roles, with
// what the menu is for (a route's about(can) when it depends on the roles).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { section } from '../ui.js';

export function home(ctx) {
  const tiles = ctx.menus().map((r) => h('li', { class: 'tile' },
    h('a', { href: `#${r.pattern}` }, h('span', { class: 'tile-title' }, t(r.menu)), h('span', { class: 'tile-text' }, t(r.about?.(ctx.can) ?? `${r.menu}.about`)))));
  return [section(t('home.tasks'), h('ul', { class: 'tiles' }, tiles))];
}
