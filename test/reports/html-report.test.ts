import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { adapterFor } from '../../adapters/registry';
import { CONFORMANCE_CASES } from '../../conformance/registry';
import type { WorkloadName } from '../../matrix/workloads/registry';
import { type RunResults, runResultsSchema } from '../../model/results-schema';
import { answerText, TEXT_MARKS } from '../../reports/conformance-matrix';
import { driverLayerPairs } from '../../reports/driver-layers';
import { renderHtmlReport } from '../../reports/html/render-html';
import { launchChromium } from '../support/chromium';
import { runCli } from '../support/cli';
import { realRun } from '../support/real-runs';
import { selectedAdapters } from '../support/selection';

const ARTIFACTS = resolve(__dirname, '../../test-artifacts');
/** The sqllogictest fixtures: every directive, every way a record fails, a record the databases answer differently. */
const SLT_FIXTURES = resolve(__dirname, '../fixtures/slt');
const WORKLOADS: WorkloadName[] = ['insert-sequential', 'crud-mix'];
/** Markup that runs script wherever a string reaches the page unescaped. */
const HOSTILE = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
/** Ends a script element early if the chart JSON is not escaped. */
const HOSTILE_NAME = '</script><script>window.__xss=3</script>';

/** What the page did while it loaded. */
interface Opened {
  page: Page;
  /** Requests for anything but the page itself. */
  foreign: string[];
  /** Console errors (CSP violations among them) and uncaught exceptions. */
  problems: string[];
}

/** The page's globals the test reads. */
type ReportWindow = Window & {
  __xss?: number;
  __dbmatrixChartsDrawn?: number;
  Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: { label: string }[] } } | undefined };
};

describe('HTML report of a real run, in Chromium', () => {
  const adapters = selectedAdapters();
  let browser: Browser | undefined;
  let results: RunResults;
  let pagesDir: string;

  beforeAll(async () => {
    // First, so a bad DBMATRIX_CHROMIUM fails before the real run. Not a skip: a report test that did not run must not look like one that passed.
    const launched = await launchChromium();
    browser = launched.browser;
    process.stderr.write(`html-report: Chromium ${launched.version} from ${launched.source} (${launched.executablePath})\n`);
    const run = await realRun({ adapters, workloads: WORKLOADS, ops: 200, repeats: 2, conformance: true });
    rmSync(dirname(run.file), { recursive: true, force: true });
    results = run.results;
    pagesDir = mkdtempSync(join(tmpdir(), 'dbmatrix-html-'));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    if (pagesDir) rmSync(pagesDir, { recursive: true, force: true });
  });

  /** Open HTML from a file:// URL; every other request is aborted and recorded, which is what proves the page self-contained. */
  async function open(html: string, name: string): Promise<Opened> {
    const file = join(pagesDir, `${name}.html`);
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    const context = await browser!.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const opened: Opened = { page, foreign: [], problems: [] };
    await context.route('**/*', (route) => {
      if (route.request().url() === url) return route.continue();
      opened.foreign.push(route.request().url());
      return route.abort();
    });
    page.on('console', (m) => {
      if (m.type() === 'error') opened.problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => opened.problems.push(`pageerror: ${e.message}`));
    await page.goto(url, { waitUntil: 'load' });
    return opened;
  }

  /** Each chart's id, whether Chart.js owns its canvas, and how many pixels are not transparent. */
  async function charts(page: Page) {
    await page.waitForFunction(() => typeof (window as unknown as ReportWindow).__dbmatrixChartsDrawn === 'number', undefined, { timeout: 15_000 });
    return page.evaluate(() => {
      const w = window as unknown as ReportWindow;
      const canvases = [...document.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]')];
      return {
        drawn: w.__dbmatrixChartsDrawn,
        canvases: canvases.map((c) => {
          const chart = w.Chart.getChart(c);
          const pixels = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let opaque = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) opaque += 1;
          return { id: c.getAttribute('data-chart')!, hasChart: chart !== undefined, labels: chart?.data.datasets.map((d) => d.label) ?? [], opaque };
        }),
      };
    });
  }

  test('draws every chart of the real results with nothing loaded from outside', async () => {
    const html = renderHtmlReport(results);
    const { page, foreign, problems } = await open(html, 'report');
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);

    const { drawn, canvases } = await charts(page);
    // One throughput chart, a percentile chart and a timeline chart per workload, one errors chart.
    expect(canvases).toHaveLength(1 + WORKLOADS.length * 2 + 1);
    expect(canvases).toHaveLength(6);
    expect(drawn).toBe(canvases.length);
    expect(canvases.map((c) => c.id).sort()).toEqual(['errors', 'throughput', ...WORKLOADS.flatMap((w) => [`percentiles:${w}`, `timeline:${w}`])].sort());
    for (const c of canvases) {
      expect({ id: c.id, hasChart: c.hasChart }).toEqual({ id: c.id, hasChart: true });
      expect({ id: c.id, drawnPixels: c.opaque > 0 }).toEqual({ id: c.id, drawnPixels: true });
    }
    const series = [...new Set(results.cells.map((c) => `${c.cell.adapter}/${c.cell.profile}`))];
    expect(canvases.find((c) => c.id === 'throughput')!.labels).toEqual(series);

    const rows = await page.$$eval('table.summary tbody tr', (trs) => trs.map((tr) => tr.querySelector('td')!.textContent));
    expect(rows).toHaveLength(results.cells.length);
    expect(new Set(rows)).toEqual(new Set(adapters));
    // The client's cost of an operation, in its own column for every cell.
    const costs = await page.$$eval('table.summary', ([t]) => {
      const column = [...t!.querySelectorAll('thead th')].findIndex((th) => th.textContent === 'client CPU');
      return [...t!.querySelectorAll('tbody tr')].map((tr) => tr.querySelectorAll('td')[column]!.textContent);
    });
    expect(costs).toHaveLength(results.cells.length);
    for (const cost of costs) expect(cost).toMatch(/^[\d.]+ µs\/op, [\d.]+ cores$/);
    expect(await page.evaluate(() => document.querySelectorAll('[src], [href]').length)).toBe(0);

    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'report.html'), html);
    await page.screenshot({ path: join(ARTIFACTS, 'html-report.png'), fullPage: true });
    await page.context().close();
  });

  test('shows the conformance matrix: a row per case, a column per database, each answer as the run recorded it', async () => {
    const { page, problems } = await open(renderHtmlReport(results), 'conformance');
    expect(problems).toEqual([]);
    const head = await page.$$eval('#conformance table thead th', (ths) => ths.map((th) => th.textContent));
    expect(head).toEqual(['case', 'reference', ...adapters]);
    const rows = await page.$$eval('#conformance table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    expect(rows.map((r) => r[0])).toEqual(CONFORMANCE_CASES.map((c) => c.id));
    for (const [i, adapter] of adapters.entries()) {
      const answers = results.conformance!.find((t) => t.adapter === adapter)!.answers;
      for (const [k, r] of rows.entries()) expect({ id: r[0], cell: r[2 + i] }).toEqual({ id: r[0], cell: answerText(answers[k], TEXT_MARKS) });
    }
    // Status marks in plain text: Debian's Chromium has no emoji font and would draw ✅, ⚠️ or ❌ as empty boxes.
    const marks = await page.$eval('#conformance', (el) => (el as HTMLElement).innerText);
    expect(marks.match(/\u2705|\u274C|\u26A0|\uFE0F/gu) ?? []).toEqual([]);
    expect(rows.flatMap((r) => r.slice(2)).filter((cell) => cell === 'ok').length).toBeGreaterThan(0);
    await page.context().close();
  });

  test('shows each sqllogictest file on each database: a bar of its records, the counts, the failures and the disagreements', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dbmatrix-html-slt-'));
    let slt: RunResults;
    try {
      const run = await runCli([
        'conformance',
        '--slt',
        SLT_FIXTURES,
        '--known',
        join(SLT_FIXTURES, 'known.json'),
        '--adapter',
        adapters.join(','),
        '--out',
        out,
      ]);
      expect({ code: run.code, stderr: run.stderr.split('\n').filter((l) => l && !l.startsWith('slt: ')) }).toEqual({ code: 0, stderr: [] });
      slt = runResultsSchema.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    const { page, foreign, problems } = await open(renderHtmlReport(slt), 'sqllogictest');
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
    // Files alone: no cell sections, no charts.
    expect(await page.$$eval('section', (all) => all.map((s) => s.id))).toEqual(['sqllogictest', 'settings']);
    const files = slt.sqllogictest!;
    expect(files.map((f) => f.file.split('/').pop())).toEqual(['dialects.test', 'directives.test', 'failures.test']);
    const rows = await page.$$eval('#sqllogictest table.slt-files tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
    );
    expect(rows).toHaveLength(files.length * adapters.length);
    // Each bar is as wide as its file's records: passed, known, failed and skipped add up to the whole.
    const bars = await page.$$eval('#sqllogictest div[role=img]', (divs) =>
      divs.map((d) => ({ whole: d.getBoundingClientRect().width, parts: [...d.children].reduce((w, c) => w + c.getBoundingClientRect().width, 0) })),
    );
    expect(bars).toHaveLength(files.length * adapters.length);
    for (const b of bars) expect(Math.abs(b.whole - b.parts)).toBeLessThan(1);
    const failures = files.reduce((n, f) => n + f.databases.reduce((m, d) => m + d.failures.length, 0), 0);
    expect(await page.$$eval('#sqllogictest table:nth-of-type(1) ~ * tbody tr, #sqllogictest h3 + table tbody tr', (trs) => trs.length)).toBeGreaterThanOrEqual(
      failures,
    );
    const text = await page.$eval('#sqllogictest', (el) => (el as HTMLElement).innerText);
    expect(text).toContain('written to fail: one record for each way a record can fail');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'sqllogictest-report.png'), fullPage: true });
    await page.context().close();
  });

  test('puts the knex path and the prepared path of the same workload side by side', async () => {
    const adapter = adapters[0]!;
    const profiles = [adapterFor(adapter).defaultProfiles[0]!.name, `${adapter}-prepared`];
    const run = await realRun({ adapters: [adapter], profiles, workloads: ['read-point'], ops: 300 });
    rmSync(dirname(run.file), { recursive: true, force: true });
    const { page, problems } = await open(renderHtmlReport(run.results), 'layers');
    expect(problems).toEqual([]);
    const rows = await page.$$eval('#driver-layers table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    const [knex, prepared] = profiles.map((p) => run.results.cells.find((c) => c.cell.profile === p)!);
    const opsPerSec = (c: typeof knex) => (c!.state === 'completed' ? c!.figures.opsPerSec : NaN);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.slice(0, 3)).toEqual([adapter, 'read-point', profiles.join(', ')]);
    expect(Number(rows[0]![7])).toBeCloseTo(opsPerSec(knex) / opsPerSec(prepared), 1);
    await page.context().close();

    // Profiles that differ in more than the driver path measure more than the query builder: no pair.
    const other = structuredClone(run.results);
    const knexProfile = other.profiles.find((p) => p.name === profiles[0])!;
    knexProfile.workers = Number(knexProfile.workers) + 1;
    expect(driverLayerPairs(other)).toEqual([]);
  });

  test('shows hostile strings from results as text and runs none of them', async () => {
    const copy = structuredClone(results);
    const cell = copy.cells.find((c) => c.state === 'completed');
    if (!cell || cell.state !== 'completed') throw new Error('the real run completed no cell to inject into');
    const group = Object.values(cell.figures.errors)[0];
    if (group) group.sample = HOSTILE;
    else cell.figures.errors.busy = { count: 1, retryable: true, codes: { SQLITE_BUSY: 1 }, sample: HOSTILE };
    cell.target.settings[Object.keys(cell.target.settings)[0] ?? 'hostile'] = HOSTILE;
    cell.target.serverVersion = HOSTILE;
    // A profile name travels into attributes, table cells and the chart JSON; rename it everywhere it appears.
    const profile = cell.cell.profile;
    const renamed = `${profile}${HOSTILE_NAME}`;
    for (const c of copy.cells) if (c.cell.profile === profile) c.cell.profile = renamed;
    for (const p of copy.profiles) if (p.name === profile) p.name = renamed;

    const { page, foreign, problems } = await open(renderHtmlReport(copy, { title: HOSTILE }), 'hostile');
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as ReportWindow).__xss)).toBeUndefined();
    expect(await page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);
    const text = await page.evaluate(() => document.body.innerText);
    expect(text).toContain(HOSTILE);
    expect(text).toContain(renamed);

    // The JSON block survived the name intact: all charts drawn, the legend carries the name as given.
    const { drawn, canvases } = await charts(page);
    expect(drawn).toBe(6);
    expect(canvases.find((c) => c.id === 'throughput')!.labels).toContain(`${cell.cell.adapter}/${renamed}`);
    await page.context().close();
  });

  test('the checks above catch a page that puts the same string in raw', async () => {
    const raw = `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><pre>${HOSTILE}</pre></body></html>`;
    const { page, foreign } = await open(raw, 'unescaped');
    await page.waitForFunction(() => (window as unknown as ReportWindow).__xss === 1, undefined, { timeout: 10_000 });
    expect(await page.evaluate(() => document.querySelectorAll('img').length)).toBe(1);
    expect(foreign).toHaveLength(1);
    await page.context().close();
  });
});
