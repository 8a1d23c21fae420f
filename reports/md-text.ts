/** Text from a database, an error or a file, made inert in GitHub-flavoured Markdown (which also renders HTML). */
export function mdText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

/** Text shown as code: only backticks, table pipes and line breaks matter inside a code span (GitHub shows the rest literally). */
export function mdCode(s: string): string {
  return `\`${s.replace(/`/g, 'ˋ').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')}\``;
}

/** A Markdown table row. */
export const mdRow = (cells: string[]) => `| ${cells.join(' | ')} |`;

/** A Markdown table's header row and rule. */
export const mdHeader = (cells: string[]) => [mdRow(cells), mdRow(cells.map(() => '---'))];
