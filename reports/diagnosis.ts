import { type Adapter, LOCK_ERROR_CLASSES } from '../adapters/contract';
import { adapterFor, isAdapterName } from '../adapters/registry';
import { loopBound } from '../matrix/pool-health';
import { isWorkloadName, workloadFor } from '../matrix/workloads/registry';
import { int, num, percent } from '../model/format';
import { withCostPerOperation } from '../model/metrics';
import { type CellKey, type CellResult, columnName, type Figures, type RunResults } from '../model/results-schema';
import { ceilingText } from './ceiling-text';
import { behindSchedule } from './load-mode';

/** What limited a cell, in the order the rules are tried: the first that holds is the dominant one. */
export type Bottleneck =
  | 'lock-bound'
  | 'pool-bound'
  | 'client-bound'
  | 'commit-bound'
  | 'disk-bound'
  | 'cpu-bound'
  | 'round-trip-bound'
  | 'statement-bound'
  | 'not measured';

/** The dominant bottleneck of one cell, the measurements behind it, and what to change. */
export interface Diagnosis {
  /** Which cell. */
  cell: CellKey;
  /** The dominant bottleneck. */
  bottleneck: Bottleneck;
  /** Measured facts that point to it, one line each. */
  evidence: string[];
  /** The change most likely to help. */
  recommendation: string;
}

type Measured = Exclude<CellResult, { state: 'skipped' }> & { figures: Figures };

/** What a rule sees of a cell and its run. */
interface Context {
  cell: Measured;
  figures: Figures;
  settings: Record<string, string>;
  profile: Record<string, unknown> | undefined;
  /** Other cells of the same adapter and profile, for comparisons within one run. */
  siblings: Measured[];
}

type Rule = (c: Context) => Omit<Diagnosis, 'cell'> | null;

/** A machine busier than this has no CPU to give to more workers. */
const BUSY_MACHINE = 0.85;
/** An event loop that ran callbacks this share of the measured time had no room for more. */
const FULL_LOOP = 0.95;
/** Over a shorter measured window the harness's CPU and its loop's busy share are mostly start-up, compiling and collecting garbage, not the workload. */
const CLIENT_WINDOW_MIN_MS = 1000;
/** A run whose sessions were seen waiting for locks this share of the time they were seen at all is held by locks. */
const LOCK_WAIT_SHARE = 0.2;
/** Fewer lock-wait samples than this are too few to go on. */
const MIN_LOCK_SAMPLES = 3;
/**
 * Fewer sightings of a busy session than this give no share: a MariaDB run whose sessions were busy in 1 of 30 samples,
 * that one in a row-lock wait, read "100 % waiting" (and lock-bound) with 3 waits of 1,900 operations, 1 ms in all.
 */
const MIN_BUSY_SIGHTINGS = 10;
/** Commits of at most this many rows pay the flush for little work. */
const SMALL_COMMIT_ROWS = 10;
/**
 * CPUs idle waiting for the disk, on average, from which a cell that wrote was held by its disk: a quarter of one. Counted
 * in CPUs, not as a share of the machine, so a writer blocked in fsync weighs the same on 2 cores as on 32 (one SQLite
 * writer syncing 20-row commits kept 0.28-0.30 of this machine's 2 CPUs waiting through knex with synchronous=FULL, and
 * 0.38-0.42 prepared with synchronous=EXTRA; without syncs, 0).
 */
const DISK_WAIT_CPUS = 0.25;
/** Below this share of the native client's rate on the same statement and connections, the client set the pace: the server did over twice as much for pgbench or sysbench. */
const CEILING_SHARE = 0.5;

const isSqlite = (c: Context) => c.cell.target?.provider === 'file';
const profileValue = (c: Context, key: string) => (c.profile ? c.profile[key] : undefined);
const poolMax = (c: Context) => (profileValue(c, 'pool') as { max?: number } | undefined)?.max ?? 0;
/** CPU time the harness spent per operation, µs; undefined in files from before it was recorded. */
const clientCpuUsPerOp = (f: Figures) => withCostPerOperation(f.health.cpu, f.operations.total).harnessUsPerOperation;
/** What the client process cost per operation, as an evidence line. */
const clientCostLine = (f: Figures) => {
  const us = clientCpuUsPerOp(f);
  return us === undefined ? undefined : `the harness used ${num(us)} µs of CPU per operation (${num(f.health.cpu.harnessCores)} cores while measuring)`;
};
/** The machine's idle time with disk I/O outstanding, as an evidence line. */
const iowaitLine = (f: Figures) =>
  f.health.cpu.iowait === undefined
    ? undefined
    : `the machine's CPUs sat idle waiting for the disk ${percent(f.health.cpu.iowait)} of the time while measuring, ${num(f.health.cpu.iowait * f.health.cpu.cores)} of its ${f.health.cpu.cores} CPUs on average (/proc/stat iowait, machine-wide)`;

/** Median time one operation took the database: open-loop latency also holds the wait behind a backlog, so there it is one attempt's. */
const serviceP50 = (f: Figures) => (f.mode === 'open-loop' ? f.attemptLatencyMs.p50 : f.latencyMs.p50);

const lockBound: Rule = (c) => {
  const f = c.figures;
  const ops = Math.max(1, f.operations.total);
  const failures = LOCK_ERROR_CLASSES.reduce((n, k) => n + (f.errors[k]?.count ?? 0), 0);
  const retries = LOCK_ERROR_CLASSES.reduce((n, k) => n + (f.retries[k] ?? 0), 0);
  // The server's counters are server-wide: a lone worker cannot wait on its own locks, so waits it saw are other
  // clients' doing and no evidence about this cell.
  const alone = f.workers <= 1;
  const rowLockWaits = alone ? 0 : (f.serverActivity.Innodb_row_lock_waits ?? 0);
  const deadlocks = alone ? 0 : (f.serverActivity.Innodb_deadlocks ?? 0);
  const sampled = f.lockWaits && f.lockWaits.samples >= MIN_LOCK_SAMPLES && f.lockWaits.sessions >= MIN_BUSY_SIGHTINGS ? f.lockWaits : undefined;
  // SQLite's waits are timed, not sampled: their share of the time the workers measured.
  const busy = f.busyWaits && f.busyWaits.count > 0 ? f.busyWaits : undefined;
  const busyShare = busy && f.durationMs > 0 ? busy.ms / (f.workers * f.durationMs) : 0;
  const waitShare = sampled ? sampled.waiting / sampled.sessions : busyShare;
  if ((failures + retries) / ops < 0.01 && rowLockWaits / ops < 0.05 && deadlocks === 0 && waitShare < LOCK_WAIT_SHARE) return null;
  const evidence: string[] = [];
  if (busy) {
    evidence.push(
      `${int(busy.count)} statements found the database file locked and waited ${int(busy.ms)} ms in all, ${percent(busyShare)} of the ${f.workers} worker(s)' measured time (busy_timeout ${c.settings.busy_timeout ?? '?'} ms, timed by the harness)`,
    );
  }
  const waitedOn = sampled ? Object.entries(sampled.byWait).sort(([, a], [, b]) => b - a) : [];
  if (sampled && waitShare > 0) {
    evidence.push(
      `sampled every 100 ms while measuring, ${percent(waitShare)} of the run's busy sessions were waiting for a lock (${num(sampled.waiting / sampled.samples)} of ${num(sampled.sessions / sampled.samples)} on average; ${waitedOn.map(([k, n]) => `${k} ${int(n)}`).join(', ')})`,
    );
  }
  const byClass = (pick: (k: (typeof LOCK_ERROR_CLASSES)[number]) => number) =>
    LOCK_ERROR_CLASSES.filter((k) => pick(k) > 0)
      .map((k) => `${k} ${int(pick(k))}`)
      .join(', ');
  if (failures > 0) evidence.push(`${int(failures)} of ${int(ops)} operations failed on locks (${byClass((k) => f.errors[k]?.count ?? 0)})`);
  if (retries > 0) evidence.push(`${int(retries)} retries after lock errors (${byClass((k) => f.retries[k] ?? 0)})`);
  if (rowLockWaits > 0) {
    const waited = f.serverActivity.Innodb_row_lock_time;
    evidence.push(
      `InnoDB row-lock waits: ${int(rowLockWaits)} (${num(rowLockWaits / ops)} per operation)${waited !== undefined ? `, ${int(waited)} ms waited in all` : ''}`,
    );
  }
  if (deadlocks > 0) evidence.push(`server counted ${int(deadlocks)} deadlocks`);
  let recommendation: string;
  if (isSqlite(c) && c.settings.busy_timeout === '0') {
    recommendation =
      'busy_timeout is 0, so a writer fails at once instead of waiting for the lock: set busy_timeout (the default profile uses 5000 ms) and keep retries on';
  } else if (isSqlite(c) && f.workers <= 1) {
    // One worker cannot lock itself out: another connection to the file held the lock.
    recommendation =
      'the one worker waited for the file lock, which only another connection can have held: find the process keeping a write transaction open on the file (a migration, a backup, a long batch job) and keep it short or out of busy hours';
  } else if (adapterOf(c)?.capabilities.singleWriterLock) {
    recommendation = `${adapterOf(c)!.label} lets one writer at a time hold its lock: fewer writer threads (now ${f.workers}), or more rows per transaction so the lock is taken less often`;
  } else if (waitShare >= LOCK_WAIT_SHARE && waitedOn[0]?.[0] === 'relation') {
    // Waits on a whole table: something outside the workload holds it (a LOCK TABLE, a migration, a long DDL transaction).
    recommendation =
      'the workers queued for a lock on a whole table, which the workload never takes: find the holder (pg_blocking_pids() in pg_stat_activity): a migration, a LOCK TABLE or a long transaction, and keep it out of busy hours';
  } else {
    recommendation = `${f.workers} workers contend for the same rows: shorter transactions, fewer workers on hot rows, and retries with backoff for deadlocks and serialization failures`;
  }
  return { bottleneck: 'lock-bound', evidence, recommendation };
};

const poolBound: Rule = (c) => {
  const h = c.figures.health;
  const attempt = c.figures.attemptLatencyMs.mean;
  const max = poolMax(c);
  const waited = h.acquireWaitMs.count > 0 && attempt > 0 && h.acquireWaitMs.mean > attempt / 2;
  if (!h.sampled || !waited) return null;
  const evidence = [
    `queries waited ${num(h.acquireWaitMs.mean)} ms on average (p99 ${num(h.acquireWaitMs.p99)} ms) for a connection, against ${num(attempt)} ms per attempt`,
    `up to ${h.maxPendingAcquires} queries queued for the pool; ${c.figures.workers} workers, pool max ${max}, at most ${h.maxUsed} connections in use`,
  ];
  const serverMax = c.settings.max_connections;
  return {
    bottleneck: 'pool-bound',
    evidence,
    recommendation: `raise pool.max towards ${c.figures.workers} (now ${max}${serverMax ? `; the server allows ${serverMax} connections` : ''}) or lower workers to ${max}: the extra workers only queue`,
  };
};

const clientBound: Rule = (c) => {
  const f = c.figures;
  const h = f.health;
  const loops = f.clientThreads ?? 1;
  const lagged = loopBound(h);
  // A server adapter's workers share `loops` event loops, each of which can use one core at most.
  // Over a window too short to say (a 100-operation one-worker cell on PostgreSQL read 1.68 harness cores in CI), neither CPU rule applies.
  const window = f.durationMs >= CLIENT_WINDOW_MIN_MS;
  const saturated = !isSqlite(c) && window && h.cpu.harnessCores >= 0.9 * loops;
  // One loop busy all the measured time is the limit even when it got less than a core (a shared machine's steal
  // left a fully busy harness at 0.8-0.9 cores in CI here); but only with CPU to spare, or the CPU is what is short,
  // and over a window long enough to say so (with this rule, a 160 ms window of one-row commits read client-bound in CI).
  const loopFull = !isSqlite(c) && loops === 1 && window && h.eventLoopBusy >= FULL_LOOP && h.cpu.machineBusy < BUSY_MACHINE;
  // The server's own client, on the same statement and connections, got it to do over twice as much: the server was not the limit.
  const belowCeiling = f.ceiling !== undefined && f.ceiling.share < CEILING_SHARE;
  if (!lagged && !saturated && !loopFull && !belowCeiling) return null;
  const evidence: string[] = [];
  if (lagged) {
    evidence.push(
      `event-loop lag p99 ${num(h.eventLoopLagMs.p99)} ms (max ${num(h.eventLoopLagMs.max)} ms) with the loop busy ${Math.round(h.eventLoopBusy * 100)}% of the measured time: callbacks waited that long to run`,
    );
  }
  const cost = clientCostLine(f);
  if (cost !== undefined) evidence.push(cost);
  if (saturated)
    evidence.push(
      `${cost === undefined ? `the harness used ${num(h.cpu.harnessCores)} cores; ` : ''}its ${loops === 1 ? 'one event loop' : `${loops} event loops`} can use ${loops}`,
    );
  else if (loopFull)
    evidence.push(
      `its one event loop ran callbacks ${percent(h.eventLoopBusy)} of the measured time (${num(h.cpu.harnessCores)} cores) while the machine was ${percent(h.cpu.machineBusy)} busy`,
    );
  if (belowCeiling) evidence.push(ceilingText(f)!);
  const fixes: string[] = [];
  const spare = Math.min(f.workers, h.cpu.cores);
  if (!isSqlite(c) && loops < spare) fixes.push(`spread the workers over worker threads (--set ${c.cell.cell.adapter}.clientThreads=${spare})`);
  const preparable = isWorkloadName(c.cell.cell.workload) && workloadFor(c.cell.cell.workload).preparable;
  if (f.driverPath !== 'prepared' && preparable) fixes.push(`drop the query builder's cost per statement (--set ${c.cell.cell.adapter}.driverPath=prepared)`);
  fixes.push('run the harness on another machine than the database');
  return {
    bottleneck: 'client-bound',
    evidence,
    recommendation: `the harness set the pace, not the database, so these figures understate it: ${fixes.join('; or ')}`,
  };
};

/** The adapter a cell ran on, when this dbmatrix knows it (results may come from another version). */
function adapterOf(c: Context): Adapter | undefined {
  const name = c.cell.cell.adapter;
  return isAdapterName(name) ? adapterFor(name) : undefined;
}

/** Whether every commit waits for a flush to disk, and the settings that say so. */
function durableCommits(c: Context): string | null {
  return adapterOf(c)?.durableCommits(c.settings) ?? null;
}

/** WAL bytes per operation below which a PostgreSQL cell wrote nothing worth a flush. */
const MIN_WAL_BYTES_PER_OP = 64;
/** InnoDB log flushes per operation below which a cell's commits flushed nothing (the server flushes once a second anyway). */
const MIN_FSYNCS_PER_OP = 0.05;

/**
 * Whether the database recorded commits with writes while measuring, from its own counters: WAL written (PostgreSQL),
 * log flushes (InnoDB), a changed data_version (SQLite). Null when the results hold no such counter.
 */
function measuredWrites(f: Figures): boolean | null {
  const a = f.serverActivity;
  const ops = Math.max(1, f.operations.total);
  if (a.wal_bytes !== undefined) return a.wal_bytes / ops >= MIN_WAL_BYTES_PER_OP;
  const fsyncs = a.Innodb_os_log_fsyncs ?? a.Innodb_data_fsyncs;
  if (fsyncs !== undefined) return fsyncs / ops >= MIN_FSYNCS_PER_OP;
  if (a.data_version !== undefined) return a.data_version > 0;
  return null;
}

const commitBound: Rule = (c) => {
  const writes = isWorkloadName(c.cell.cell.workload) ? workloadFor(c.cell.cell.workload).writes : 'some-operations';
  const durable = durableCommits(c);
  const f = c.figures;
  const rowsPerOp = f.operations.succeeded > 0 ? f.rows / f.operations.succeeded : 0;
  if (writes === 'none' || !durable || rowsPerOp > SMALL_COMMIT_ROWS) return null;
  // Settings only say a commit would wait for the disk; the database's own counters say whether anything was committed.
  if (measuredWrites(f) !== true) return null;
  const ops = Math.max(1, f.operations.total);
  const evidence = [
    `each operation commits about ${num(rowsPerOp)} row(s) in its own transaction, and every commit waits for a flush to disk (${durable}); median ${num(serviceP50(f))} ms per operation`,
  ];
  const fsyncs = f.serverActivity.Innodb_os_log_fsyncs ?? f.serverActivity.Innodb_data_fsyncs;
  if (fsyncs) evidence.push(`the server called fsync ${int(fsyncs)} times while measuring (${num(fsyncs / ops)} per operation)`);
  const wal = f.serverActivity.wal_bytes;
  if (wal) evidence.push(`the server wrote ${int(wal / 1024)} KiB of WAL (${int(wal / ops)} bytes per operation), each commit flushing its share`);
  if (f.serverActivity.data_version) evidence.push('the database file changed while measuring (PRAGMA data_version): the writer threads committed');
  const waitedForDisk = iowaitLine(f);
  if (waitedForDisk) evidence.push(waitedForDisk);
  const batched = c.siblings.find((s) => s.cell.workload === 'insert-transaction-batch' && s !== c.cell);
  if (batched && batched.figures.rowsPerSec > f.rowsPerSec) {
    evidence.push(
      `insert-transaction-batch in the same run wrote ${int(batched.figures.rowsPerSec)} rows/s by committing ${num(batched.figures.rows / Math.max(1, batched.figures.operations.succeeded))} rows at a time, against ${int(f.rowsPerSec)} rows/s here`,
    );
  }
  return {
    bottleneck: 'commit-bound',
    evidence,
    recommendation: `put many rows in each transaction; or, if losing the last commits in a crash is acceptable, relax durability: ${adapterOf(c)?.relaxedCommits ?? 'let commits return before the flush'}`,
  };
};

/** Operations sending at least this many statements each are worth fewer of them: more than one statement in a transaction (BEGIN, it, COMMIT). */
const MANY_STATEMENTS = 4;
/** Ways to send fewer statements, for the recommendations that ask for it. */
const STATEMENT_REMEDIES =
  'multi-row INSERTs instead of one per row, one query for a set of rows instead of one per row, or the logic in one statement or a function on the server';

/** Where a median operation's time goes on the wire: statements per operation × one round trip, when both were measured. */
function wireLines(f: Figures): { evidence: string[]; perOp?: number; share?: number } {
  if (f.statements === undefined || f.operations.total === 0) return { evidence: [] };
  const perOp = f.statements / f.operations.total;
  const sent = `each operation sent ${num(perOp)} statement${perOp === 1 ? '' : 's'} on average (transaction control and retries included)`;
  if (f.roundTripMs === undefined) return { evidence: [sent], perOp };
  const waiting = perOp * f.roundTripMs;
  // The round trip is timed apart from the operations (SELECT 1 after measuring), so the product can pass the median.
  const share = serviceP50(f) > 0 ? waiting / serviceP50(f) : 0;
  return {
    evidence: [
      `${sent}; ${num(perOp)} round trip${perOp === 1 ? '' : 's'} of ${num(f.roundTripMs)} ms (SELECT 1 through knex, timed after measuring) come to about ${num(waiting)} ms, ${share >= 0.95 ? 'about all' : percent(share)} of the ${num(serviceP50(f))} ms median`,
    ],
    perOp,
    share,
  };
}

/** Below this share of the median the round trips do not explain an operation's time: its statements do. */
const ROUND_TRIP_SHARE = 0.5;

const cpuBound: Rule = (c) => {
  const cpu = c.figures.health.cpu;
  if (cpu.machineBusy < BUSY_MACHINE) return null;
  const others = Math.max(0, cpu.machineBusy * cpu.cores - cpu.harnessCores);
  const evidence = [`the machine's ${cpu.cores} cores were ${percent(cpu.machineBusy)} busy while measuring`];
  const engine = adapterOf(c);
  // An engine that runs in the workers' own threads (SQLite's) spends the harness's CPU: there is no server to tell apart.
  if (isSqlite(c) && engine?.capabilities.threadedWorkers)
    evidence.push(`${engine.label} runs inside the harness's worker threads, which used ${num(cpu.harnessCores)} cores`);
  else evidence.push(`the harness used ${num(cpu.harnessCores)} cores; other processes (the database server, when it runs on this machine) ${num(others)}`);
  const wire = wireLines(c.figures);
  evidence.push(...wire.evidence);
  // Each statement costs CPU in knex, the driver and the database whether or not it crosses a wire (SQLite's do not).
  const fewer =
    wire.perOp !== undefined && wire.perOp >= MANY_STATEMENTS
      ? `Send fewer statements per operation: each one costs CPU in knex, the driver and the database (${STATEMENT_REMEDIES}). `
      : '';
  return {
    bottleneck: 'cpu-bound',
    evidence,
    recommendation: `${fewer}${fewer ? 'The' : 'the'} CPUs are saturated, so more workers will not help: do more per statement (batches, fewer round trips), or give the database and the harness cores of their own`,
  };
};

const diskBound: Rule = (c) => {
  const f = c.figures;
  const iowait = f.health.cpu.iowait;
  const writes = isWorkloadName(c.cell.cell.workload) ? workloadFor(c.cell.cell.workload).writes : 'some-operations';
  // iowait is machine-wide: it speaks of this cell only when the cell wrote, and the database said so.
  if (iowait === undefined || iowait * f.health.cpu.cores < DISK_WAIT_CPUS || writes === 'none' || measuredWrites(f) === false) return null;
  const evidence = [
    iowaitLine(f)!,
    `median ${num(serviceP50(f))} ms per operation, ${num(f.rows / Math.max(1, f.operations.succeeded))} row(s) each; machine CPU ${percent(f.health.cpu.machineBusy)} busy`,
  ];
  return {
    bottleneck: 'disk-bound',
    evidence,
    recommendation:
      'the disk set the pace: write more rows per flush (bigger transactions or batches), relax durability if losing the last commits in a crash is acceptable, or put the database on faster storage away from other busy disks',
  };
};

const roundTripBound: Rule = (c) => {
  const f = c.figures;
  const p50s = serviceP50(f) / 1000;
  const ceiling = p50s > 0 ? f.workers / p50s : 0;
  const measured = [
    `machine CPU ${percent(f.health.cpu.machineBusy)} busy`,
    ...(f.health.cpu.iowait !== undefined ? [`iowait ${percent(f.health.cpu.iowait)}`] : []),
  ].join(', ');
  const wire = wireLines(f);
  const fewer =
    wire.perOp !== undefined && wire.perOp >= MANY_STATEMENTS
      ? `Send fewer statements per operation: each one is a round trip${f.roundTripMs !== undefined ? ` of about ${num(f.roundTripMs)} ms` : ''} (${STATEMENT_REMEDIES}); or `
      : '';
  // Waiting for replies explains little when the round trips are a small part of the median: the statements' own work
  // does, and an operation of many statements pays that work once for each.
  if (wire.share !== undefined && wire.share < ROUND_TRIP_SHARE) {
    const fewerWork =
      wire.perOp !== undefined && wire.perOp >= MANY_STATEMENTS
        ? `Send fewer statements per operation: each pays its own parsing, planning and reply (${STATEMENT_REMEDIES}). Beyond that, `
        : '';
    return {
      bottleneck: 'statement-bound',
      evidence: [
        ...wire.evidence,
        `${measured}; no lock, pool, client, commit, disk or CPU limit found`,
        ...[clientCostLine(f)].filter((l): l is string => l !== undefined),
      ],
      recommendation: `${fewerWork}the time goes into the statements themselves, not the trips between them: the database's work per statement (rows per statement, indexes to maintain, the plan; EXPLAIN ANALYZE the slow one) and the client's building and parsing of them. Smaller statements cut latency; ${f.workers > 1 ? 'more' : 'concurrent'} workers raise throughput until one of the other limits appears`,
    };
  }
  return {
    bottleneck: 'round-trip-bound',
    evidence: [
      ...wire.evidence,
      `${f.workers} worker(s), each waiting for one operation at a time with a median of ${num(serviceP50(f))} ms: at most about ${int(ceiling)} ops/s; measured ${int(f.opsPerSec)}${f.targetRate ? ` at an open-loop target of ${int(f.targetRate)}` : ''}`,
      `${measured}; no lock, pool, client, commit or disk limit found`,
      ...[clientCostLine(f)].filter((l): l is string => l !== undefined),
    ],
    recommendation: `nothing measured stands out: each worker spends its time waiting for replies. ${fewer}${fewer ? 'more' : 'More'} concurrent workers raise throughput until one of the other limits appears`,
  };
};

const RULES: Rule[] = [lockBound, poolBound, clientBound, commitBound, diskBound, cpuBound, roundTripBound];

/** The dominant bottleneck of every cell of a run, with the evidence from what the run measured. */
export function diagnoseRun(results: RunResults): Diagnosis[] {
  const measured = results.cells.filter((c): c is Measured => c.state !== 'skipped' && c.figures !== undefined);
  return results.cells.map((cell) => {
    if (cell.state === 'skipped') return { cell: cell.cell, bottleneck: 'not measured', evidence: [cell.reason], recommendation: 'run the cell' };
    if (!cell.figures)
      return {
        cell: cell.cell,
        bottleneck: 'not measured',
        evidence: cell.state === 'failed' ? cell.reasons : [],
        recommendation: 'fix the failure above first',
      };
    const m = cell as Measured;
    const context: Context = {
      cell: m,
      figures: m.figures,
      settings: m.target?.settings ?? {},
      profile: results.profiles.find((p) => p.name === m.cell.profile),
      siblings: measured.filter((s) => columnName(s.cell) === columnName(m.cell)),
    };
    // A saturated open loop did not run at the rate it names: that comes first, whatever limited it.
    const behind = behindSchedule(m.figures);
    // The native client's rate on the same statement bounds what the server could give: said last, after the verdict's own evidence.
    const ceiling = ceilingText(m.figures);
    for (const rule of RULES) {
      const found = rule(context);
      const last = ceiling && found && !found.evidence.includes(ceiling) ? [ceiling] : [];
      if (found) return { cell: cell.cell, ...found, evidence: [...(behind ? [behind] : []), ...found.evidence, ...last] };
    }
    throw new Error('the round-trip rule always applies');
  });
}
