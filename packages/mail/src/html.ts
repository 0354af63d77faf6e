// What every e-mail needs to show feed text safely: pure, so composing a message needs no transport.

/** Escapes the five characters that could end an HTML text node or attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Only http(s) links are linked; anything else (javascript:, data:) is shown as text. */
export function safeHref(url: string): string | null {
  return /^https?:\/\//i.test(url) ? url : null;
}
