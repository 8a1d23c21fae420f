/** HTML escaping for text and attribute values, and escaping for text placed inside `<script>` elements. */

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape a string for HTML text or a quoted attribute value. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}

const JSON_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/**
 * JSON for a `<script type="application/json">` block: with `<` escaped no `</script>` or `<!--` can end or re-mode the element,
 * and the line separators stay valid should anyone paste it into a JS string.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => JSON_ESCAPES[c]!);
}

/**
 * JavaScript source made safe to sit inside an inline `<script>`: `</script` would end the element early, so it becomes `<\/script`
 * (the same string or regex to JavaScript). `<!--` cannot be rewritten without knowing whether it is in a string or in code, and it
 * switches the HTML parser into a mode where `</script>` no longer ends the element, so it is refused rather than guessed at.
 */
export function scriptSafe(source: string, name: string): string {
  if (source.includes('<!--')) throw new Error(`${name} contains "<!--" and cannot be inlined into a <script> element safely`);
  return source.replace(/<\/(script)/gi, '<\\/$1');
}
