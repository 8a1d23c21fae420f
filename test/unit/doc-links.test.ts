import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

// README.md is the front door and docs/ holds the rest; every relative link between them (and into the tree) must land on
// a file that exists and, with a #anchor into Markdown, on a heading of that file as GitHub names it.

const ROOT = join(__dirname, '..', '..');

/** README.md and every docs/*.md, as paths relative to the repository root. */
function docFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join('docs', name));
  return ['README.md', ...docs];
}

/** The lines of a Markdown text outside fenced code blocks (``` or ~~~), others blanked so line numbers stay right. */
function outsideFences(text: string): string[] {
  let fence: string | undefined;
  return text.split('\n').map((line) => {
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === undefined) {
      if (open) {
        fence = open[1];
        return '';
      }
      return line;
    }
    if (open && open[1]![0] === fence[0] && open[1]!.length >= fence.length && line.trim() === open[1]) fence = undefined;
    return '';
  });
}

/**
 * GitHub's anchor for a heading's text, as github-slugger makes it: lowercase, punctuation gone except hyphens (underscores
 * stay too, as on GitHub), spaces to hyphens. Markdown in the heading counts by its text: code spans lose their backticks.
 */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link or image counts by its text
    .replace(/<[^>]+>/g, '') // inline HTML
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** Every anchor a Markdown text offers: its headings (ATX and setext), duplicates numbered -1, -2 …, and HTML ids. */
function anchors(text: string): Set<string> {
  const lines = outsideFences(text);
  const seen = new Map<string, number>();
  const found = new Set<string>();
  const add = (heading: string) => {
    const base = slug(heading);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    found.add(n === 0 ? base : `${base}-${n}`);
  };
  for (const [i, line] of lines.entries()) {
    const atx = /^ {0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$/.exec(line);
    if (atx) add(atx[1] ?? '');
    // A setext heading: a line of text underlined with = or -; not a list item, quote, table row or heading.
    else if (i > 0 && /^ {0,3}(=+|-+)\s*$/.test(line) && lines[i - 1]!.trim() !== '' && !/^\s*(#|[-*+>|]|\d+[.)]\s)/.test(lines[i - 1]!)) add(lines[i - 1]!);
  }
  for (const m of text.matchAll(/<a\s[^>]*(?:name|id)="([^"]+)"/g)) found.add(m[1]!);
  return found;
}

/** One link as written: the file it is in, its line, and its target. */
interface Link {
  file: string;
  line: number;
  target: string;
}

/** Relative link and image targets of a Markdown text, outside fenced code blocks and inline code spans. */
function links(file: string, text: string): Link[] {
  const found: Link[] = [];
  outsideFences(text).forEach((raw, i) => {
    const line = raw.replace(/(`+)(?:(?!\1).)+?\1/g, (span) => ' '.repeat(span.length));
    const targets = [
      ...[...line.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+["'(][^)]*)?\)/g)].map((m) => m[1]!),
      ...[...line.matchAll(/^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/g)].map((m) => m[1]!),
      ...[...line.matchAll(/<(?:a|img)\s[^>]*(?:href|src)="([^"]*)"/g)].map((m) => m[1]!),
    ];
    for (let target of targets) {
      if (target.startsWith('<')) target = target.slice(1, -1);
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue; // http(s):, mailto: and other schemes
      found.push({ file, line: i + 1, target });
    }
  });
  return found;
}

/** Why a link is broken, or undefined when it resolves; `read` gives a file's text relative to the root, or undefined. */
function problem(link: Link, read: (path: string) => string | undefined, exists: (path: string) => boolean): string | undefined {
  const hash = link.target.indexOf('#');
  const pathPart = hash < 0 ? link.target : link.target.slice(0, hash);
  const where = `${link.file}:${link.line}: link ${link.target}`;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return undefined;
    }
  };
  const anchor = hash < 0 ? '' : decode(link.target.slice(hash + 1));
  const target = decode(pathPart.split('?')[0]!);
  if (anchor === undefined || target === undefined) return `${where}: not a valid URL`;
  const path = target === '' ? link.file : normalize(join(dirname(link.file), target));
  if (path.startsWith('..')) return `${where}: leaves the repository`;
  if (!exists(path)) return `${where}: no file ${path}`;
  if (anchor === '') return undefined;
  if (!path.endsWith('.md')) return /^L\d+(-L\d+)?$/.test(anchor) ? undefined : `${where}: #${anchor} is not a line of ${path}`;
  const text = read(path);
  if (text === undefined) return `${where}: ${path} is not a file`;
  return anchors(text).has(anchor) ? undefined : `${where}: no heading #${anchor} in ${path}`;
}

function brokenLinks(files: string[]): string[] {
  const read = (path: string) => {
    const full = join(ROOT, path);
    return existsSync(full) && statSync(full).isFile() ? readFileSync(full, 'utf8') : undefined;
  };
  const exists = (path: string) => existsSync(join(ROOT, path));
  return files.flatMap((file) => links(file, read(file)!).flatMap((link) => problem(link, read, exists) ?? []));
}

describe('links in README.md and docs/', () => {
  test('README.md and docs/ are there to check', () => {
    const files = docFiles();
    expect(files.length).toBeGreaterThan(1);
    expect(files.flatMap((file) => links(file, readFileSync(join(ROOT, file), 'utf8'))).length).toBeGreaterThan(0);
  });

  test('every relative link and image lands on a file that exists, and every #anchor on a heading of it', () => {
    expect(brokenLinks(docFiles())).toEqual([]);
  });
});

describe('the link check itself', () => {
  const files: Record<string, string> = {
    'README.md': '# Tool\n\n## Quick start\n\n## Closed loop and open loop (`--rate`)\n\n## results.json\n\n## Notes\n\n## Notes\n\nSetext\n------\n',
    'docs/a.md': '# A doc\n\n## Diagnosis: what limited each cell\n\n```md\n## Not a heading\n```\n',
  };
  const read = (path: string) => files[path];
  const exists = (path: string) => path in files || path === 'docs' || path === 'examples/x.ts';
  const check = (file: string, text: string) => links(file, text).flatMap((link) => problem(link, read, exists) ?? []);

  test("anchors follow GitHub's slugs, with duplicates numbered", () => {
    expect([...anchors(files['README.md']!)]).toEqual(['tool', 'quick-start', 'closed-loop-and-open-loop---rate', 'resultsjson', 'notes', 'notes-1', 'setext']);
    expect(slug('Diagnosis: what limited each cell')).toBe('diagnosis-what-limited-each-cell');
    expect(slug("Harness overhead and the servers' own clients")).toBe('harness-overhead-and-the-servers-own-clients');
  });

  test('good links pass; external links, code spans and fenced code are not checked', () => {
    const text = [
      '[a](docs/a.md#diagnosis-what-limited-each-cell) [b](#notes-1) ![img](examples/x.ts "title") [c](https://example.com/x#y)',
      '[m](mailto:someone@example.com) `[not](a-link.md)` [dir](docs)',
      '```',
      '[inside](missing.md)',
      '```',
    ].join('\n');
    expect(check('README.md', text)).toEqual([]);
  });

  test('a missing file, a missing anchor and a heading inside a fence are named with file and line', () => {
    const text = '[x](docs/missing.md)\n\n[y](../README.md#no-such-heading) [z](a.md#not-a-heading)\n[w](#quick-start)';
    expect(check('docs/a.md', text)).toEqual([
      'docs/a.md:1: link docs/missing.md: no file docs/docs/missing.md',
      'docs/a.md:3: link ../README.md#no-such-heading: no heading #no-such-heading in README.md',
      'docs/a.md:3: link a.md#not-a-heading: no heading #not-a-heading in docs/a.md',
      'docs/a.md:4: link #quick-start: no heading #quick-start in docs/a.md',
    ]);
  });
});
