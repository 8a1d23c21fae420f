// One cell's load from several processes or machines: each runs `dbmatrix run --segment i/n --run-id <same id>`, its
// share of every cell's workers, against the same server. They meet in a table of the run's own in the database under
// test, which every segment can reach: segment 1 creates and loads the cell's tables and posts the workload's state;
// each segment warms up its workers and says so; segment 1 then names a start time a moment ahead, at which all start
// measuring; each posts its ledgers when done, segment 1 verifies all of them against the one table and posts the
// verification, which every segment records. `dbmatrix merge` joins the segments' results over their common window.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import type { Shard } from './shard';

/** A segment of a cell's load: which one (1-based) of how many. The same shape as a shard of the matrix. */
export type Segment = Shard;

/** A segment's share of `total` (workers, operations): the first `total mod count` segments take one more. */
export function segmentShare(total: number, segment: Segment): number {
  return Math.floor(total / segment.count) + (segment.index <= total % segment.count ? 1 : 0);
}

/** How long a segment waits for the others at any meeting point before its cell fails. */
const WAIT_MS = Number(process.env.DBMATRIX_SEGMENT_WAIT_MS ?? 10 * 60_000);
/** How often it looks. */
const POLL_MS = 20;
/** How far ahead segment 1 sets the common start, so every segment has seen it in time. */
const START_AHEAD_MS = 300;

/** The meeting name of the run as a whole (a cell run's names are `cell k run i`). */
const RUN = 'run';

/** One row of the meeting table. */
interface Post {
  /** The cell run it is about. */
  cell: string;
  /** The segment that posted it. */
  segment: number;
  /** The meeting point: state, warm, go, done, verified, failed, bye. */
  step: string;
  /** What it carries, as JSON. */
  body: string;
}

/** The meeting place of a run's segments: a table named with the run id, created by segment 1 and dropped by it when every segment has left. */
export class Rendezvous {
  private constructor(
    private readonly knex: Knex,
    private readonly table: string,
    readonly segment: Segment,
  ) {}

  /** Segment 1 creates the table (a plain CREATE: one that exists is not this run's); the others wait until it exists. */
  static async open(knex: Knex, table: string, segment: Segment): Promise<Rendezvous> {
    const r = new Rendezvous(knex, table, segment);
    if (segment.index === 1) {
      await knex.schema.createTable(table, (t) => {
        t.string('cell', 200).notNullable();
        t.integer('segment').notNullable();
        t.string('step', 20).notNullable();
        t.text('body', 'longtext').notNullable();
        t.primary(['cell', 'segment', 'step']);
      });
    } else {
      await r.until('the meeting table', async () => (await knex.schema.hasTable(table)) || undefined);
    }
    return r;
  }

  /** Whether this segment leads: sets up, verifies, and names the start. */
  get leads(): boolean {
    return this.segment.index === 1;
  }

  /** Post what this segment reached for a cell run. */
  async post(cell: string, step: string, body: unknown = null): Promise<void> {
    await this.knex(this.table).insert({ cell, segment: this.segment.index, step, body: JSON.stringify(body) });
  }

  /** What segment `from` posted at `step` for the cell run, once it has. */
  async one<T>(cell: string, step: string, from = 1): Promise<T> {
    return (await this.posts<T>(cell, step, [from]))[0]!;
  }

  /** What every segment posted at `step` for the cell run, in segment order, once all have. */
  async all<T>(cell: string, step: string): Promise<T[]> {
    return this.posts<T>(
      cell,
      step,
      Array.from({ length: this.segment.count }, (_, i) => i + 1),
    );
  }

  /** Start measuring together: every segment warm, then the start time segment 1 names, a moment ahead. */
  async startTogether(cell: string): Promise<void> {
    await this.post(cell, 'warm');
    await this.all(cell, 'warm');
    if (this.leads) await this.post(cell, 'go', Date.now() + START_AHEAD_MS);
    const at = await this.one<number>(cell, 'go');
    const wait = at - Date.now();
    if (wait > 0) await sleep(wait);
  }

  /** Say this cell run failed here, so the others stop waiting for this segment; never throws. */
  async fail(cell: string, reason: string): Promise<void> {
    await this.post(cell, 'failed', reason).catch(() => {});
  }

  /** Say this segment's run was interrupted: the others fail every cell still to meet instead of waiting for it; never throws. */
  async interrupted(): Promise<void> {
    await this.fail(RUN, `segment ${this.segment.index} of ${this.segment.count} was interrupted`);
  }

  /** Why another segment failed this cell run, or left the run, if one did; one look, for a segment still measuring. */
  async otherFailed(cell: string): Promise<string | undefined> {
    const failed = await this.failedRows(cell);
    return failed ? `segment ${failed.segment} of ${this.segment.count} failed: ${JSON.parse(failed.body)}` : undefined;
  }

  /** Leave the run: segment 1 waits until every other segment has left, then drops the table. */
  async close(): Promise<void> {
    await this.post(RUN, 'bye');
    if (!this.leads) return;
    try {
      await this.all(RUN, 'bye');
    } finally {
      await this.knex.schema.dropTable(this.table);
    }
  }

  /** The posts of the given segments at a step, in their order, once all are there; a segment's failure ends the wait. */
  private async posts<T>(cell: string, step: string, from: number[]): Promise<T[]> {
    return this.until(`${step} of ${from.length > 1 ? 'every segment' : `segment ${from[0]}`} for ${cell}`, async () => {
      // Leaving the run (bye) is not a failure to wait on; an interrupted segment's failure of the run is.
      if (cell !== RUN || step !== 'bye') {
        const failure = await this.otherFailed(cell);
        if (failure) throw new Error(failure);
      }
      const rows = (await this.knex(this.table).where({ cell, step }).select('segment', 'step', 'body')) as Post[];
      const bySegment = new Map(rows.filter((r) => r.step === step).map((r) => [r.segment, r]));
      if (!from.every((s) => bySegment.has(s))) return undefined;
      return from.map((s) => JSON.parse(bySegment.get(s)!.body) as T);
    });
  }

  /** Another segment's failure of this cell run, or of the whole run. */
  private async failedRows(cell: string): Promise<Post | undefined> {
    const rows = (await this.knex(this.table).whereIn('cell', [cell, RUN]).andWhere('step', 'failed').select('segment', 'step', 'body')) as Post[];
    return rows.find((r) => r.segment !== this.segment.index);
  }

  /** Poll `look` until it gives something, for at most WAIT_MS. */
  private async until<T>(what: string, look: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = await look();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`segment ${this.segment.index} of ${this.segment.count} waited ${WAIT_MS / 1000} s for ${what}`);
      await sleep(POLL_MS);
    }
  }
}
