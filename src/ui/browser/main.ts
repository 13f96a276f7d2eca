// The web UI: a login page, then a shell with views chosen by the URL's hash (#/nodes, #/node/<name>, #/discovery,
// #/profiles, #/templates, #/plan, #/events, #/audit, #/access). Every view reads and changes state only through the API, under the user's
// policy rows.
import { api, ApiError, describe, logout } from './api.ts';
import { fill, h } from './dom.ts';
import { loginView } from './views/login-view.ts';
import { nodesView } from './views/nodes-view.ts';
import { nodeView } from './views/node-view.ts';
import { discoveryView } from './views/discovery-view.ts';
import { eventsView } from './views/events-view.ts';
import { auditView } from './views/audit-view.ts';
import { accessView } from './views/access-view.ts';
import { profilesView } from './views/profiles-view.ts';
import { templatesView } from './views/templates-view.ts';
import { planView } from './views/plan-view.ts';

interface WhoAmI {
  name: string;
  roles: string[];
}

const root = document.getElementById('app')!;
const main = h('main', { id: 'view' });

const NAV: Array<[string, string]> = [['#/nodes', 'Nodes'], ['#/discovery', 'Discovery'], ['#/profiles', 'Profiles'], ['#/templates', 'Templates'], ['#/plan', 'Plan'], ['#/events', 'Events'], ['#/audit', 'Audit'], ['#/access', 'Access']];

async function start(): Promise<void> {
  let me: WhoAmI;
  try {
    me = await api<WhoAmI>('GET', '/auth/whoami');
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return fill(root, loginView(() => void start()));
    return fill(root, h('p', { class: 'error', role: 'alert' }, `stage0 cannot be reached: ${describe(err)}`));
  }
  const nav = h('nav', {}, ...NAV.map(([href, label]) => h('a', { href, 'data-nav': href }, label)));
  const out = h('button', { type: 'button', id: 'logout', onclick: () => void logout().finally(() => void start()) }, 'Log out');
  fill(root, h('header', {}, h('strong', {}, 'stage0'), nav, h('span', { id: 'whoami', class: 'who' }, me.name), out), main);
  route();
}

/** Renders the view the hash names; a view that fails shows why, in the server's words. */
function route(): void {
  if (!main.isConnected) return;
  const hash = location.hash || '#/nodes';
  const [path = '', query = ''] = hash.slice(1).split('?');
  const params = new URLSearchParams(query);
  const section = path.startsWith('/node/') ? '/nodes' : path || '/nodes';
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', section.startsWith(a.getAttribute('data-nav')!.slice(1)));
  const show = (view: Promise<Node>) => {
    fill(main, h('p', { class: 'muted' }, 'Loading…'));
    view.then((el) => fill(main, el), (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) return void start(); // session expired or revoked
      fill(main, h('p', { class: 'error', role: 'alert' }, describe(err)));
    });
  };
  const node = /^\/node\/(.+)$/.exec(path);
  if (node) return show(nodeView(decodeURIComponent(node[1]!)));
  if (path === '/discovery') return show(discoveryView());
  if (path === '/events') return show(eventsView(params));
  if (path === '/audit') return show(auditView(params));
  if (path === '/profiles') return show(profilesView());
  if (path === '/templates') return show(templatesView(params));
  if (path === '/access') return show(accessView());
  if (path === '/plan') return show(planView(params));
  return show(nodesView(params));
}

window.addEventListener('hashchange', route);
void start();
