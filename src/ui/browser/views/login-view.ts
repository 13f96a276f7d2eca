import { describe, login } from '../api.ts';
import { fill, h } from '../dom.ts';

export function loginView(done: () => void): HTMLElement {
  const msg = h('p', { id: 'login-error', class: 'error', role: 'alert' });
  const user = h('input', { name: 'user', id: 'user', autocomplete: 'username', required: true, value: 'admin' });
  const password = h('input', { name: 'password', id: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { id: 'login', class: 'login' },
    h('h1', {}, 'stage0'),
    h('label', {}, 'User', user),
    h('label', {}, 'Password', password),
    h('button', { type: 'submit' }, 'Log in'),
    msg,
    h('p', { class: 'muted' }, 'First start: the administrator\'s one-time password is in <data dir>/initial-admin-password.'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    fill(msg);
    login(user.value, password.value).then(done, (err: unknown) => fill(msg, describe(err)));
  });
  return form;
}
