import { setTimeout as sleep } from 'node:timers/promises';
import knexFactory, { type Knex } from 'knex';
import type { Adapter, Profile, ServerAddress } from '../adapters/contract';
import type { LockWaits } from '../model/results-schema';

/** How often the run's sessions are looked at while a cell measures, ms. */
const SAMPLE_EVERY_MS = 100;

/**
 * Samples, while a cell measures, how many of the run's sessions on the server wait for a lock: a wait that ends in
 * time raises no error and moves no counter of PostgreSQL's, so it can only be seen while it happens. Uses a connection
 * of its own, so a busy pool neither delays the samples nor is delayed by them.
 */
export class LockWaitSampler {
  private readonly knex: Knex;
  private readonly totals: LockWaits = { samples: 0, sessions: 0, waiting: 0, byWait: {} };
  private running = true;
  private readonly loop: Promise<void>;
  private stopped: Promise<LockWaits> | undefined;

  constructor(
    private readonly adapter: Adapter & Required<Pick<Adapter, 'sampleLockWaits'>>,
    server: ServerAddress,
    profile: Profile,
    private readonly prefix: string,
  ) {
    const config = adapter.knexConfig(server, profile);
    this.knex = knexFactory({ ...config, pool: { ...config.pool, min: 0, max: 1 } });
    this.loop = this.sampleUntilStopped();
  }

  private async sampleUntilStopped(): Promise<void> {
    while (this.running) {
      try {
        const s = await this.adapter.sampleLockWaits(this.knex, this.prefix);
        this.totals.samples++;
        this.totals.sessions += s.sessions;
        for (const [event, n] of Object.entries(s.waiting)) {
          this.totals.waiting += n;
          this.totals.byWait[event] = (this.totals.byWait[event] ?? 0) + n;
        }
      } catch {
        // A server that will not show its sessions to this user gives no samples; the diagnosis then has less evidence.
        return;
      }
      await sleep(SAMPLE_EVERY_MS);
    }
  }

  /** Stop sampling and return what was seen (the same answer when called again). */
  stop(): Promise<LockWaits> {
    this.running = false;
    return (this.stopped ??= this.loop.then(() => this.knex.destroy()).then(() => this.totals));
  }
}

/** A sampler for the adapters that can show their sessions' waits, else none. */
export function lockWaitSampler(adapter: Adapter, server: ServerAddress, profile: Profile, prefix: string): LockWaitSampler | undefined {
  if (!adapter.sampleLockWaits) return undefined;
  return new LockWaitSampler(adapter as Adapter & Required<Pick<Adapter, 'sampleLockWaits'>>, server, profile, prefix);
}
