import type { AdapterName } from '../../adapters/registry';
import { commitCuttingProxy } from '../support/commit-cutting-proxy';
import { runCells, serverFor } from '../support/cells';

/**
 * A write applied twice, for real: the proxy between the workers and the server cuts the connection right after a
 * COMMIT goes through, the worker retries the transaction it cannot know committed, and verify must see the rows twice.
 */
export function describeDoubleApply(adapter: Exclude<AdapterName, 'sqlite'>): void {
  // Five rows per transaction; hot-row-update logs one increment per transaction, keyed the same way.
  test.each([
    ['insert-transaction-batch', 5],
    ['hot-row-update', 1],
  ] as const)(`${adapter} × %s: a retry after a COMMIT whose reply was lost shows as rows acknowledged once and present twice`, async (workload, rowsPerOp) => {
    const server = serverFor(adapter)!;
    const url = new URL(server.url);
    // The 12th COMMIT: past the 8 warm-up transactions, into the measured phase.
    const proxy = await commitCuttingProxy({ host: url.hostname, port: Number(url.port) }, 12);
    try {
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      const { results } = await runCells({
        adapter,
        workloads: [workload],
        ops: 10,
        settings: [`${adapter}.workers=1`, `${adapter}.transactionBatchSize=5`],
        server: { url: url.toString(), provider: 'url' },
      });
      const cell = results[0]!;
      expect(proxy.cut()).toBe(1);
      expect(cell.state).toBe('failed');
      if (cell.state !== 'failed' || !cell.figures) throw new Error('the cell did not measure');
      // The cut attempt was retried as a connection error, and the retry committed the same rows again.
      expect(cell.figures.retries.connection).toBe(1);
      expect(cell.verification).toMatchObject({ ok: false, acknowledged: rowsPerOp * (8 + 10), duplicated: rowsPerOp, lost: 0, phantom: 0 });
      expect(cell.reasons.join('\n')).toMatch(new RegExp(`${rowsPerOp} rows acknowledged once and present twice`));
    } finally {
      await proxy.close();
    }
  });
}
