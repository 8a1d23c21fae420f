import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AdapterName, adapterFor } from '../../adapters/registry';
import { cellName } from '../../model/results-schema';
import type { ReportJson } from '../../reports/summary-json';
import { urlVariable } from '../../servers/resolve';
import { runCli } from '../support/cli';
import { cliRun } from './cli-run';

/**
 * One run against two servers of one adapter, as `--<adapter>-url` given twice: here the same server twice, which every
 * leg has (its URL from global setup); two versions side by side are .ci/run's, which has the images for them.
 */
export function describeSeveralServers(adapter: AdapterName): void {
  test(`${adapter}: --${adapter}-url twice runs every cell on each server, labelled by its version, asks each the conformance cases, and compare takes the two servers apart`, async () => {
    const url = process.env[urlVariable(adapter)]!;
    const r = await cliRun(adapter, ['-w', 'insert-sequential', `--${adapter}-url`, url, `--${adapter}-url`, url, '--conformance', '--no-progress']);
    expect(r.code).toBe(0);
    const reported = r.results.cells.map((c) => (c.state === 'skipped' ? '' : c.target!.serverVersion));
    const flavour = adapterFor(adapter).identify(reported[0]!)!.flavour;
    const number = /\d+(?:\.\d+)+/.exec(reported[0]!)![0];
    const labels = [`${flavour} ${number}`, `${flavour} ${number} #2`];
    expect(r.results.cells.map((c) => [cellName(c.cell), c.state, c.state === 'completed' && c.verification.ok])).toEqual(
      labels.map((label) => [`${adapter}@${label}/${adapter}-default/insert-sequential`, 'completed', true]),
    );
    expect(r.results.conformance!.map((t) => [t.adapter, t.serverLabel, t.answers.length > 0])).toEqual(labels.map((label) => [adapter, label, true]));
    expect(r.stderr).toContain(`${adapter}: server 2 of 2 is ${labels[1]}`);
    expect(r.stdout).toContain(`${adapter}@${labels[1]}`);
    // The terminal puts the two servers side by side, the second's throughput as a multiple of the first's.
    expect(r.stdout).toContain(`${adapter}, its servers side by side`);
    expect(r.stdout).toMatch(new RegExp(`│ ${adapter}@${labels[0]!.replace(/\./g, '\\.')} +│ ${adapter}@${labels[1]!.replace(/\./g, '\\.')} +│`));
    expect(r.stdout).toMatch(new RegExp(`\\d+\\.\\d\\d× ${labels[0]!.replace(/\./g, '\\.')} `));

    // compare of the two servers of that one run: the cells line up without their labels; the same server twice has
    // the same answers and version, and one repeat a side leaves every metric inconclusive rather than regressed.
    const work = mkdtempSync(join(tmpdir(), 'dbmatrix-servers-'));
    try {
      const file = join(work, 'results.json');
      writeFileSync(file, JSON.stringify(r.results));
      const servers = ['--baseline-server', labels[0]!, '--current-server', labels[1]!];
      const same = await runCli(['compare', '-b', file, '-c', file, ...servers, '--json', join(work, 'compare.json')]);
      expect(same.code).toBe(0);
      expect(same.stdout).not.toContain('server changed');
      const verdict = JSON.parse(readFileSync(join(work, 'compare.json'), 'utf8')) as { cells: { cell: { adapter: string; serverLabel?: string } }[] };
      expect(verdict.cells.map((c) => c.cell)).toEqual([{ adapter, profile: `${adapter}-default`, workload: 'insert-sequential' }]);
      // The report puts each server in a column of its own, the second with its throughput against the first's.
      const report = await runCli(['report', file, '--markdown', join(work, 'report.md'), '--html', join(work, 'report.html')]);
      expect(report.code).toBe(0);
      expect(report.stdout).toContain(`${adapter}, its servers side by side`);
      const html = readFileSync(join(work, 'report.html'), 'utf8');
      expect(html).toContain(`<table class="servers" data-adapter="${adapter}">`);
      expect(html).toMatch(
        new RegExp(`<th>${adapter}@${labels[1]!.replace(/\./g, '\\.')}</th>.*<br>\\d+\\.\\d\\d× ${labels[0]!.replace(/\./g, '\\.')}<br>`, 's'),
      );
      // Markdown escapes the '#' of a second label.
      const md = readFileSync(join(work, 'report.md'), 'utf8').replaceAll('\\#', '#');
      expect(md).toContain(`| workload | ${adapter}@${labels[0]}/${adapter}-default | ${adapter}@${labels[1]}/${adapter}-default |`);
      expect(md).toMatch(new RegExp(`ops/s<br>\\d+\\.\\d\\d× ${labels[0]!.replace(/\./g, '\\.')}<br>`));
      // For machines: the same report as JSON on stdout, the tables on stderr.
      const json = await runCli(['report', file, '--json', '-']);
      expect(json.code).toBe(0);
      expect(json.stderr).toContain(`${adapter}, its servers side by side`);
      const parsed = JSON.parse(json.stdout) as ReportJson;
      expect(parsed.cells.map((c) => [c.key, c.state, c.verified, c.versusFirstServer === null])).toEqual(
        labels.map((label, i) => [`${adapter}@${label}/${adapter}-default/insert-sequential`, 'completed', true, i === 0]),
      );
      expect(parsed.cells[1]!.versusFirstServer).toBeCloseTo(parsed.cells[1]!.opsPerSec! / parsed.cells[0]!.opsPerSec!, 6);
      expect(parsed.exitCode).toBe(0);
      // A difference planted in the second server's answers (as a version that answers a case otherwise would give)
      // fails the same comparison, naming the case.
      const planted = structuredClone(r.results);
      const answer = planted.conformance!.find((t) => t.serverLabel === labels[1])!.answers[0]!;
      answer.answer = `${answer.answer} (planted)`;
      const plantedFile = join(work, 'planted.json');
      writeFileSync(plantedFile, JSON.stringify(planted));
      const changed = await runCli(['compare', '-b', plantedFile, '-c', plantedFile, ...servers]);
      expect(changed.code).toBe(1);
      expect(changed.stdout).toContain(`${answer.id}: `);
      expect(changed.stdout).toContain(`-> ${answer.answer}`);
      // Compared whole, each server's cells keep their own rows, named by server.
      const whole = await runCli(['compare', '-b', file, '-c', file]);
      expect(whole.code).toBe(0);
      for (const label of labels) expect(whole.stdout).toContain(`│ ${adapter}@${label} `);
      const unknown = await runCli(['compare', '-b', file, '-c', file, '--current-server', `${flavour} 0.1`]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr.trim().split('\n')).toEqual([`dbmatrix: ${file} has no server '${flavour} 0.1'; its servers are '${labels[0]}', '${labels[1]}'`]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}
