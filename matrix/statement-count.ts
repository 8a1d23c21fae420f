import type { Knex } from 'knex';
import type { Adapter } from '../adapters/contract';
import type { PreparedDriver } from '../driver-paths/contract';
import { PHASE, read, SLOT } from './control';

/** Count one statement sent while the cell measures (warm-up and verification are not the operations measured). */
function tick(control: Int32Array): void {
  if (read(control, SLOT.phase) === PHASE.measure) Atomics.add(control, SLOT.statements, 1);
}

/** Add every lock wait the adapter times in the client on this thread (SQLite's file lock), while the cell measures, to SLOT.busyWaits and busyWaitMs. */
export function countClientLockWaits(adapter: Adapter, control: Int32Array): () => void {
  adapter.reportClientLockWaits?.((ms) => {
    if (read(control, SLOT.phase) !== PHASE.measure) return;
    Atomics.add(control, SLOT.busyWaits, 1);
    Atomics.add(control, SLOT.busyWaitMs, Math.round(ms));
  });
  return () => adapter.reportClientLockWaits?.(undefined);
}

/** Count every statement knex sends (BEGIN and COMMIT included) into SLOT.statements; returns what detaches the count. */
export function countKnexStatements(knex: Knex, control: Int32Array): () => void {
  const onQuery = () => tick(control);
  knex.on('query', onQuery);
  return () => void knex.removeListener('query', onQuery);
}

/** The prepared path's driver, counting what it sends: it goes around knex, whose count would miss it. */
export function countedDriver(driver: PreparedDriver, control: Int32Array): PreparedDriver {
  return {
    execute: (connection, sql, bindings) => {
      tick(control);
      return driver.execute(connection, sql, bindings);
    },
    control: (connection, sql) => {
      tick(control);
      return driver.control(connection, sql);
    },
    text: (connection, sql) => {
      tick(control);
      return driver.text(connection, sql);
    },
  };
}

/** Median time of a trivial statement through knex, ms: what one round trip costs a worker, given to nine tries. */
export async function roundTripMs(knex: Knex): Promise<number | undefined> {
  const times: number[] = [];
  try {
    for (let i = 0; i < 9; i++) {
      const start = performance.now();
      await knex.raw('select 1');
      times.push(performance.now() - start);
    }
  } catch {
    return undefined;
  }
  times.sort((a, b) => a - b);
  return Math.round(times[4]! * 1000) / 1000;
}
