import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdapterName } from '../../adapters/registry';
import { runCells, serverFor } from '../support/cells';
import { COMMIT, commitCuttingProxy } from '../support/commit-cutting-proxy';

/**
 * A write applied twice, for real: the proxy between the workers and the server cuts the connection right after a
 * COMMIT goes through, the worker retries the transaction it cannot know committed, and verify must see the rows twice.
 */
export function describeDoubleApply(adapter: Exclude<AdapterName, 'sqlite'>): void {
  // Five rows per transaction; hot-row-update logs one increment per transaction, keyed the same way; crud-mix, here
  // inserts only, sends each insert without a transaction, so the proxy cuts after its INSERT instead (no \b before the
  // verb: the byte before it is the message length, which may be a letter).
  test.each([
    ['insert-transaction-batch', 5, COMMIT, []],
    ['hot-row-update', 1, COMMIT, []],
    ['crud-mix', 1, /INSERT INTO /i, ['read', 'update', 'delete'].map((k) => `crud-mix.crudWeights.${k}=0`)],
  ] as const)(
    `${adapter} × %s: a retry after a commit whose reply was lost shows as rows acknowledged once and present twice`,
    async (workload, rowsPerOp, cutAfter, weights) => {
      const server = serverFor(adapter)!;
      const url = new URL(server.url);
      // The 12th: past the 8 warm-up operations, into the measured phase.
      const proxy = await commitCuttingProxy({ host: url.hostname, port: Number(url.port) }, 12, cutAfter);
      try {
        url.hostname = '127.0.0.1';
        url.port = String(proxy.port);
        const { results } = await runCells({
          adapter,
          workloads: [workload],
          ops: 10,
          settings: [`${adapter}.workers=1`, `${adapter}.transactionBatchSize=5`, ...weights],
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
    },
  );

  // A SQL script whose one statement increments a counter, sent without a transaction: the retry of the cut UPDATE
  // runs the same statement again, and the counter ends one above the executions acknowledged.
  test(`${adapter} × SQL script: a retry after an UPDATE whose reply was lost is named, not absorbed as an execution in doubt`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbmatrix-double-'));
    const script = join(dir, 'counter.yaml');
    writeFileSync(
      script,
      `name: counter
tables:
  counter: CREATE TABLE {{counter}} (id INTEGER PRIMARY KEY, hits INTEGER NOT NULL)
load:
  rows: 1
  sql: INSERT INTO {{counter}} (id, hits) VALUES (:id, 0)
params:
  id: { sequence: { start: 1 } }
statements:
  - name: bump
    weight: 1
    sql: UPDATE {{counter}} SET hits = hits + 1 WHERE id = 1
verify:
  - sql: SELECT hits AS n FROM {{counter}}
    equals: bump
`,
    );
    const server = serverFor(adapter)!;
    const url = new URL(server.url);
    const proxy = await commitCuttingProxy({ host: url.hostname, port: Number(url.port) }, 12, /UPDATE /);
    try {
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      const { results } = await runCells({
        adapter,
        workloads: [script] as never,
        ops: 10,
        settings: [`${adapter}.workers=1`],
        server: { url: url.toString(), provider: 'url' },
      });
      const cell = results[0]!;
      expect(proxy.cut()).toBe(1);
      expect(cell.state === 'skipped' ? undefined : cell.figures?.retries.connection).toBe(1);
      expect(cell.state).toBe('failed');
      expect(cell.state === 'failed' ? cell.reasons.join('\n') : '').toMatch(
        /gave 19, expected bump = 18; 1 executions were acknowledged after an attempt whose outcome was unknown/,
      );
    } finally {
      await proxy.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
