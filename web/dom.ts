/** DOM helpers: every string from the agent goes in as textContent, never as markup. */

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, text = '', className = ''): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.textContent = text;
  if (className !== '') e.className = className;
  return e;
}

/** A table row of text cells; `numeric` cells are right-aligned. */
export function row(cells: readonly string[], numeric: readonly boolean[] = []): HTMLTableRowElement {
  const tr = document.createElement('tr');
  cells.forEach((text, i) => tr.append(element('td', text, numeric[i] === true ? 'num' : '')));
  return tr;
}

export function fillBody(table: HTMLTableElement, rows: readonly HTMLTableRowElement[]): void {
  const body = table.tBodies[0];
  if (body) body.replaceChildren(...rows);
}
