// A tiny element builder. Data only ever becomes text (textContent, attribute values), never markup: a node name,
// an attribute value or an installer's log line cannot inject HTML or script into the page.
export type Child = Node | string | number | null | undefined | false | Child[];
type Handler = (ev: Event) => void;
export type Props = Record<string, string | number | boolean | Handler | undefined | null>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (k === 'class') el.className = String(v);
    else if (k === 'value' && 'value' in el) (el as HTMLInputElement).value = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(typeof c === 'number' ? String(c) : c);
  }
}

/** Replaces everything inside `el`. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** "2026-11-23T21:29:10.123Z" → "2026-11-23 21:29:10" (UTC, as the server and its logs write it). */
export const time = (iso: string | null | undefined): string => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '');

/**
 * A button for an action that cannot be undone: the first click only arms it ("Confirm …"), the second runs it.
 * `attrs` go on the button (class, aria-label).
 */
export function confirmingButton(label: string, attrs: Props, run: () => void): HTMLButtonElement {
  const button = h('button', { type: 'button', ...attrs }, label);
  button.addEventListener('click', () => {
    if (!button.classList.contains('armed')) {
      button.classList.add('armed');
      button.textContent = `Confirm ${label.toLowerCase()}`;
      return;
    }
    run();
  });
  return button;
}
