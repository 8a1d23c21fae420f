import { type AdapterName, adapterFor } from '../../adapters/registry';
import { cellName } from '../../model/results-schema';
import { urlVariable } from '../../servers/resolve';
import { cliRun } from './cli-run';

/**
 * One run against two servers of one adapter, as `--<adapter>-url` given twice: here the same server twice, which every
 * leg has (its URL from global setup); two versions side by side are .ci/run's, which has the images for them.
 */
export function describeSeveralServers(adapter: AdapterName): void {
  test(`${adapter}: --${adapter}-url twice runs every cell on each server, labelled by its version, and asks each the conformance cases`, async () => {
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
  });
}
