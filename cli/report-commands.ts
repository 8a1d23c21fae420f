import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { mergeResults } from '../model/merge';
import { readResults, serverSlice } from '../model/read-results';
import { cellName, type RunResults } from '../model/results-schema';
import { UserError } from '../model/user-error';
import { writeBenchmarkJson } from '../reports/benchmark-json';
import { painterFor } from '../reports/colour';
import { compareJson, compareRuns } from '../reports/compare';
import { compareTable } from '../reports/compare-table';
import { diagnoseRun } from '../reports/diagnosis';
import { renderHtmlReport } from '../reports/html/render-html';
import { compareMarkdown, summaryMarkdown } from '../reports/markdown';
import { sltSummaryText } from '../reports/slt-text';
import { reportJson } from '../reports/summary-json';
import { serversTable, summaryTable } from '../reports/summary-table';
import { thresholdOptions } from './arguments';

/** Write a report file, creating its folder; a path that cannot be written is the user's to fix. */
function writeOutput(path: string, text: string): void {
  try {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    writeFileSync(path, text);
  } catch (err) {
    throw new UserError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? err}; choose a writable path`);
  }
}

/** The outputs `report` and `compare` share. */
interface OutputOptions {
  markdown?: string;
  html?: string;
  benchJson?: string;
}

function writeRunOutputs(results: RunResults, opts: OutputOptions, title: string): void {
  if (opts.markdown) writeOutput(opts.markdown, summaryMarkdown(results, title));
  if (opts.html) writeOutput(opts.html, renderHtmlReport(results, { title }));
  if (opts.benchJson) writeBenchmarkJson(results, opts.benchJson);
}

/** Add merge, report and compare to the program. */
export function addReportCommands(program: Command): void {
  program
    .command('merge')
    .description('combine results.json files (one per CI job, or repeated runs) into one')
    .argument('<files...>', 'results.json files')
    .requiredOption('-o, --out <file>', 'where to write the merged results.json')
    .option('--as-repeats', 'pool cells that appear in several files as repeats of one cell (histograms merge exactly)')
    .action((files: string[], opts: { out: string; asRepeats?: boolean }) => {
      const merged = mergeResults(
        files.map((file) => ({ file, results: readResults(file) })),
        { asRepeats: opts.asRepeats ?? false },
      );
      writeOutput(opts.out, `${JSON.stringify(merged, null, 2)}\n`);
      const adapters = [...new Set(merged.mergedFrom?.flatMap((m) => m.adapters) ?? [])];
      const slt = merged.sqllogictest?.length ? `, ${merged.sqllogictest.length} sqllogictest file(s)` : '';
      process.stdout.write(`merged ${files.length} file(s): ${merged.cells.length} cells${slt}, adapters ${adapters.join(', ')} -> ${opts.out}\n`);
    });

  program
    .command('report')
    .description('show a results.json as a table and write Markdown, HTML and github-action-benchmark files')
    .argument('<file>', 'results.json')
    .option('--markdown <file>', 'GitHub-flavoured summary, e.g. "$GITHUB_STEP_SUMMARY"')
    .option('--html <file>', 'self-contained HTML report with charts')
    .option('--bench-json <dir>', 'bigger-is-better.json and smaller-is-better.json for github-action-benchmark')
    .option('--title <text>', 'title of the reports', 'dbmatrix results')
    .option(
      '--json <file>',
      'the run for machines: exitCode, every cell with ops/s, latency, operations, whether its data verified and its throughput against the first server of its adapter, the diagnosis, answers that left their pins (layout: ReportJson in reports/summary-json.ts). "-" writes it to stdout and moves the table to stderr',
    )
    .action((file: string, opts: OutputOptions & { title: string; json?: string }) => {
      const results = readResults(file);
      writeRunOutputs(results, opts, opts.title);
      const json = `${JSON.stringify(reportJson(results), null, 2)}\n`;
      if (opts.json && opts.json !== '-') writeOutput(opts.json, json);
      // With the JSON on stdout, people still read the tables, from stderr.
      const human = opts.json === '-' ? process.stderr : process.stdout;
      const paint = painterFor(human);
      if (results.cells.length || !results.sqllogictest?.length) human.write(`${summaryTable(results.cells, paint)}\n`);
      if (results.sqllogictest?.length) human.write(`${sltSummaryText(results.sqllogictest)}\n`);
      const servers = serversTable(results.cells, paint);
      if (servers) human.write(`${servers}\n`);
      for (const d of diagnoseRun(results)) {
        human.write(`${paint('bold', `${cellName(d.cell)}: ${d.bottleneck}`)}: ${d.evidence.join('; ')}\n  -> ${d.recommendation}\n`);
      }
      if (opts.json === '-') process.stdout.write(json);
      process.exitCode = reportJson(results).exitCode;
    });

  const compare = program
    .command('compare')
    .summary('the regression gate: compare a run with a baseline cell by cell; exit code 1 when anything the baseline had is worse or missing')
    .description(
      'the regression gate: compare a run with a baseline cell by cell. Exit code 1 when a cell regressed or newly failed, a cell the baseline ran is missing or skipped, the current run was interrupted, or a conformance answer changed or is missing; 0 otherwise; 2 when an input cannot be read. Runs of different length, warm-up, repeats or load are flagged on every verdict ("not like for like") but do not fail by themselves unless --require-like-for-like',
    )
    .requiredOption('-b, --baseline <file>', 'baseline results.json (e.g. from the main branch)')
    .requiredOption('-c, --current <file>', 'current results.json')
    .option('--markdown <file>', 'the comparison as GitHub-flavoured Markdown, regressions first')
    .option(
      '--json <file>',
      'the verdict for machines: verdict and exitCode, failures (one line each), likeForLike, each cell with status and metrics, missingCells, newCells, conformance.changed and .missing (layout: CompareJson in reports/compare.ts). "-" writes it to stdout and moves the table to stderr. Not written when an input cannot be read (exit 2)',
    )
    .option('--require-like-for-like', 'fail (exit 1) when the runs differ in length, warm-up, repeats, load or shard, instead of only flagging it')
    .option('--bench-json <dir>', "the current run's figures for github-action-benchmark")
    .option(
      '--baseline-server <label>',
      "take only this server's cells and answers from the baseline file, for a run of several servers of one adapter (e.g. '<flavour> 13.16', as its table names it)",
    )
    .option('--current-server <label>', 'the same for the current file: with --baseline-server and one file, two servers of one run compared')
    .action(
      (
        opts: Omit<OutputOptions, 'html'> & {
          baseline: string;
          current: string;
          baselineServer?: string;
          currentServer?: string;
          json?: string;
          requireLikeForLike?: boolean;
          throughputThreshold: number;
          latencyThreshold: number;
          confidence: number;
        },
      ) => {
        const side = (path: string, server: string | undefined) => (server === undefined ? readResults(path) : serverSlice(readResults(path), server, path));
        const baseline = side(opts.baseline, opts.baselineServer);
        const current = side(opts.current, opts.currentServer);
        const label = (path: string, server: string | undefined) => (server === undefined ? path : `${path} @ ${server}`);
        const cmp = compareRuns(
          baseline,
          current,
          { throughput: opts.throughputThreshold, latency: opts.latencyThreshold, confidence: opts.confidence },
          { baseline: label(opts.baseline, opts.baselineServer), current: label(opts.current, opts.currentServer) },
          { requireLikeForLike: opts.requireLikeForLike ?? false },
        );
        if (opts.markdown) writeOutput(opts.markdown, compareMarkdown(cmp));
        if (opts.benchJson) writeBenchmarkJson(current, opts.benchJson);
        const json = `${JSON.stringify(compareJson(cmp), null, 2)}\n`;
        if (opts.json && opts.json !== '-') writeOutput(opts.json, json);
        // With the JSON on stdout, people still read the table in the CI log, from stderr.
        const human = opts.json === '-' ? process.stderr : process.stdout;
        human.write(`${compareTable(cmp, painterFor(human))}\n`);
        if (opts.json === '-') process.stdout.write(json);
        process.exitCode = cmp.passed ? 0 : 1;
      },
    );
  for (const option of thresholdOptions('repeats')) compare.addOption(option);
}
