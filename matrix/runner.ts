import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import knexFactory, { type Knex } from 'knex';
import { type Adapter, errorMessage, type PeerResult, type Profile, redactedUrl, type ServerAddress } from '../adapters/contract';
import { type AdapterName, adapterFor } from '../adapters/registry';
import { combineRepeats, countedFigures } from '../model/combine';
import { describeTally, mergeHistograms, scrub, summarizeLatency, withCostPerOperation } from '../model/metrics';
import type { CellKey, CellResult, Figures, LockWaits, PoolHealth, RunLength } from '../model/results-schema';
import { type CeilingRounds, withCeiling } from './ceiling';
import { markMeasureStart, newControl, PHASE, read, SLOT, setPhase } from './control';
import { lockWaitSampler } from './lock-waits';
import { cellContext, OwnedTables, tablePrefix } from './namespace';
import { PoolMonitor } from './pool-health';
import type { ProgressSink } from './progress';
import { Rendezvous, type Segment, segmentShare } from './segments';
import { inShard } from './shard';
import { countClientLockWaits, countKnexStatements, roundTripMs } from './statement-count';
import type { CellWork } from './worker-loop';
import { type LoopPlan, profileForThread, spreadWorkers, startPooledWorkers, ThreadPool, type WorkerReport } from './workers';
import { type CellContext, driverPathOf, type Verification, type WorkloadParams } from './workloads/contract';
import { resolveParams } from './workloads/params';
import { loadWorkload, type WorkloadRef } from './workloads/sources';

/**
 * Everything one run of the matrix needs: how it is bounded (ops or a duration, warm-up, repeats, rate, error budget,
 * shard: the fields results.json records as its options), and what it runs where.
 */
export interface RunPlan extends RunLength {
  /** Run id; every table and file the run creates carries it. */
  runId: string;
  /** Profiles to run (each names its adapter). */
  profiles: Profile[];
  /** Workloads to run against every profile: built-in names or workload files. */
  workloads: WorkloadRef[];
  /** Servers for the server adapters: several for one adapter run every cell of its profiles on each, side by side. */
  servers: Partial<Record<AdapterName, ServerAddress[]>>;
  /** Directory for this run's SQLite files (created by the caller, removed by the caller). */
  sqliteDir: string;
  /** Where progress goes. */
  progress: ProgressSink;
  /** Worker threads to reuse across runs (the caller closes them); by default the run starts and closes its own. */
  threads?: ThreadPool;
  /** Each workload's own parameters, by workload name (resolveParams); a workload not named runs with its defaults. */
  params: Record<string, WorkloadParams>;
  /** With --ceiling: the native client's rounds, one after each completed repeat of a cell it can run. */
  ceiling?: CeilingRounds;
  /** With --segment i/n: this process runs its share of every cell's workers, meeting the other segments in the database. */
  segment?: Segment;
}

const now = () => performance.timeOrigin + performance.now();

/** A cell's key; the server's label only when its adapter has several servers in the run. */
function cellKey(profile: Profile, workload: string, server: ServerAddress | undefined): CellKey {
  return { adapter: profile.adapter, profile: profile.name, workload, ...(server?.label ? { serverLabel: server.label } : {}) };
}

/** Warm-up operations for a cell when the user gave none. */
export function defaultWarmupOps(plan: Pick<RunPlan, 'ops' | 'warmupOps'>, workers: number): number {
  if (plan.warmupOps !== null) return plan.warmupOps;
  return Math.max(workers, Math.ceil((plan.ops ?? 1000) / 10));
}

/** Worker threads a cell runs on: one per worker on SQLite, profile.clientThreads on a server when above 1, else none (this event loop). */
export function threadsFor(adapter: Adapter, profile: Profile, workers: number): number {
  if (adapter.capabilities.threadedWorkers) return workers;
  return profile.clientThreads > 1 ? Math.min(profile.clientThreads, workers) : 0;
}

/** Runs the cells of a plan one after another (cells in parallel would measure each other). */
export class MatrixRun {
  private readonly controls = new Set<Int32Array>();
  private readonly threads: ThreadPool;
  private readonly ownThreads: boolean;
  private aborted = false;
  /** With --segment: where this run's segments meet, and the knex that reaches it. */
  private meeting: { rendezvous: Rendezvous; knex: Knex } | undefined;

  constructor(private readonly plan: RunPlan) {
    this.ownThreads = !plan.threads;
    this.threads = plan.threads ?? new ThreadPool();
  }

  /** Stop as soon as possible: running workers finish their current operation, remaining cells are skipped. */
  abort(): void {
    this.aborted = true;
    for (const c of this.controls) setPhase(c, PHASE.abort);
  }

  /** Whether abort() was called. */
  get interrupted(): boolean {
    return this.aborted;
  }

  /** Run every cell; never throws for a cell's failure, which becomes a failed result. */
  async run(): Promise<CellResult[]> {
    const results: CellResult[] = [];
    try {
      const cells = this.plan.profiles.flatMap((p) => this.plan.workloads.flatMap(() => this.serversOf(p)));
      this.plan.progress.matrixStarted?.(cells.filter((_, i) => inShard(i, this.plan.shard)).length * this.plan.repeats);
      if (this.plan.segment) this.meeting = await this.openRendezvous(this.plan.segment);
      let k = 0;
      for (const profile of this.plan.profiles) {
        // The servers of one adapter take turns within each workload, so drift over a long run (a neighbour, the disk
        // filling its cache) falls on every server alike rather than on whichever ran last.
        for (const ref of this.plan.workloads) {
          for (const server of this.serversOf(profile)) {
            if (!inShard(k++, this.plan.shard)) continue;
            const workload = loadWorkload(ref).name;
            const cell = cellKey(profile, workload, server);
            const repeats = this.plan.repeats;
            const runs: CellResult[] = [];
            const ceiling: PeerResult[] = [];
            for (let i = 1; i <= repeats; i++) {
              if (this.aborted) runs.push({ state: 'skipped', cell, reason: 'run interrupted' });
              else runs.push(await this.runCell(profile, ref, repeats > 1 ? ` (${i}/${repeats})` : '', server, `cell ${k} run ${i}`));
              const round = this.plan.ceiling && !this.aborted ? await this.plan.ceiling.round(profile, ref, server, runs.at(-1)!) : undefined;
              if (round) ceiling.push(round);
            }
            results.push(withCeiling(combineRepeats(runs), ceiling));
          }
        }
      }
    } finally {
      await this.closeRendezvous();
      await this.close();
    }
    return results;
  }

  /** The segments' meeting place, on the run's one server, and the knex it keeps for the run. */
  private async openRendezvous(segment: Segment): Promise<{ rendezvous: Rendezvous; knex: Knex }> {
    const profile = this.plan.profiles[0]!;
    const adapter = adapterFor(profile.adapter as AdapterName);
    const knex = knexFactory(adapter.knexConfig(this.serversOf(profile)[0]!, profile));
    try {
      return { rendezvous: await Rendezvous.open(knex, `${tablePrefix(this.plan.runId)}segments`, segment), knex };
    } catch (err) {
      await knex.destroy();
      throw err;
    }
  }

  /** Leave the meeting place (segment 1 drops it once every segment has left). */
  private async closeRendezvous(): Promise<void> {
    const m = this.meeting;
    this.meeting = undefined;
    if (!m) return;
    try {
      if (this.aborted) await m.rendezvous.interrupted();
      await m.rendezvous.close();
    } finally {
      await m.knex.destroy();
    }
  }

  /** Stop the worker threads; runCell() callers outside run() must call it when done. */
  async close(): Promise<void> {
    if (this.ownThreads) await this.threads.close();
  }

  /** The servers a profile's cells run on: the adapter's, or one file database (undefined: a file per cell). */
  private serversOf(profile: Profile): (ServerAddress | undefined)[] {
    if (adapterFor(profile.adapter as AdapterName).capabilities.threadedWorkers) return [undefined];
    const servers = this.plan.servers[profile.adapter as AdapterName];
    if (!servers?.length) throw new Error(`no server resolved for ${profile.adapter}`);
    return servers;
  }

  /** Where a cell's database lives: the server given, else the adapter's first server, else a new file of its own. */
  private serverFor(profile: Profile, workload: string, server: ServerAddress | undefined): ServerAddress {
    if (server) return server;
    const adapter = adapterFor(profile.adapter as AdapterName);
    if (adapter.capabilities.threadedWorkers) {
      return { url: join(this.plan.sqliteDir, `${profile.name}-${workload}.db`), provider: 'file' };
    }
    return this.serversOf(profile)[0]!;
  }

  /** One cell: connect, load, warm up, measure, verify, and always clean up; `meeting` names the cell run among segments. */
  async runCell(profile: Profile, ref: WorkloadRef, repeatLabel = '', on?: ServerAddress, meeting = ''): Promise<CellResult> {
    const workload = loadWorkload(ref);
    const workloadName = workload.name;
    const params = this.plan.params[workloadName] ?? resolveParams(workload, []);
    const server = this.serverFor(profile, workloadName, on);
    const cell = cellKey(profile, workloadName, server);
    const name = `${profile.name}${server.label ? ` @ ${server.label}` : ''} × ${workloadName}`;
    const adapter = adapterFor(profile.adapter as AdapterName);
    // A database file that is already there belongs to someone else: never open, write or delete it.
    if (server.provider === 'file' && existsSync(server.url)) {
      const result: CellResult = {
        state: 'failed',
        cell,
        reasons: [`database file ${server.url} already exists and was not created by this run; it was left untouched`],
      };
      this.plan.progress.cellFinished(name, result);
      return result;
    }
    const knex = knexFactory(adapter.knexConfig(server, profile));
    const owned = new OwnedTables(tablePrefix(this.plan.runId));
    const ctx: CellContext = cellContext(knex, adapter, profile, params, owned);
    const control = newControl();
    this.controls.add(control);
    const label = `${name}${repeatLabel}`;
    const seg = this.meeting?.rendezvous;
    const allWorkers = workload.concurrency === 'single' ? 1 : profile.workers;
    if (seg && allWorkers < seg.segment.count) {
      await knex.destroy();
      this.controls.delete(control);
      const result: CellResult = { state: 'skipped', cell, reason: `${allWorkers} worker(s) cannot be split over ${seg.segment.count} segments` };
      this.plan.progress.cellFinished(label, result);
      return result;
    }
    const reasons: string[] = [];
    let target: Extract<CellResult, { state: 'completed' }>['target'] | undefined;
    let figures: Figures | undefined;
    let verification: Verification | undefined;
    let stage = 'connect';
    try {
      target = {
        provider: server.provider,
        address: server.provider === 'file' ? server.url : redactedUrl(server.url),
        serverVersion: await adapter.serverVersion(knex),
        settings: await adapter.readSettings(knex),
      };
      stage = 'setup';
      const loadStart = now();
      // Segments: the first sets up and hands the others the workload's state.
      const state = seg && !seg.leads ? await seg.one(meeting, 'state') : await workload.setup(ctx);
      if (seg?.leads) await seg.post(meeting, 'state', state);
      const loadMs = now() - loadStart;

      stage = 'run';
      const share = (n: number) => (seg ? segmentShare(n, seg.segment) : n);
      const workers = share(allWorkers);
      const rate = this.plan.rate ?? null;
      const loopPlan: LoopPlan = {
        warmupOps: share(defaultWarmupOps(this.plan, allWorkers)),
        measuredOps: this.plan.ops === null ? null : share(this.plan.ops),
        retry: profile.retry,
        rate: rate === null ? null : share(rate),
      };
      const together = seg ? { start: () => seg.startTogether(meeting), otherFailed: () => seg.otherFailed(meeting) } : undefined;
      // Earlier segments' workers come first in the cell's numbering.
      const firstWorkerId = seg
        ? Array.from({ length: seg.segment.index - 1 }, (_, i) => segmentShare(allWorkers, { ...seg.segment, index: i + 1 })).reduce((a, b) => a + b, 0)
        : 0;
      const work = { profile, params, state, control, plan: loopPlan, firstWorkerId };
      const measured = await this.measure(knex, ref, server, work, workers, label, together);
      const { serverActivity, lockWaits, wire } = measured;

      stage = 'verify';
      const verifyStart = now();
      const ledgers = measured.reports.map((r) => r.ledger);
      if (seg) {
        // A segment stopped short fails the cell for all: its ledgers are not a share of the whole.
        if (measured.otherFailed) throw new Error(measured.otherFailed);
        if (this.aborted) throw new Error(`segment ${seg.segment.index} of ${seg.segment.count} was interrupted`);
        await seg.post(meeting, 'done', ledgers);
      }
      // Segments: the first verifies every segment's ledgers against the one table, and the others record its verdict.
      if (seg && !seg.leads) verification = await seg.one<Verification>(meeting, 'verified');
      else verification = await workload.verify(ctx, state, seg ? (await seg.all<unknown[]>(meeting, 'done')).flat() : ledgers);
      if (seg?.leads) await seg.post(meeting, 'verified', verification);
      const ran = {
        workers,
        ...(seg
          ? { segment: { ...seg.segment, startedAt: Math.round(measured.startedAt), endedAt: Math.round(measured.startedAt + measured.durationMs) } }
          : {}),
        driverPath: driverPathOf(workload, profile),
        clientThreads: Math.max(1, threadsFor(adapter, profile, workers)),
        ...(rate ? { mode: 'open-loop' as const, targetRate: rate } : { mode: 'closed-loop' as const }),
      };
      figures = buildFigures(measured.reports, measured.durationMs, ran, loadMs, now() - verifyStart, measured.health, serverActivity, lockWaits, wire);

      if (!verification.ok) reasons.push(`data did not verify: ${verification.problems.join('; ')}`);
      const { total, failed } = figures.operations;
      if (total === 0) reasons.push('no operation was measured');
      else if (failed / total > this.plan.maxErrorRate) {
        // The commonest class's message goes with the count: a reader of the reason alone can tell what went wrong.
        const [commonest, group] = Object.entries(figures.errors).sort(([, a], [, b]) => b!.count - a!.count)[0] ?? [];
        const example = group ? `; ${commonest}, e.g. ${group.sample.split('\n')[0]!.slice(0, 200)}` : '';
        reasons.push(`${failed} of ${total} operations failed (${describeTally(figures.errors)}${example})`);
      }
      if (this.aborted) reasons.push('interrupted before the cell finished');
    } catch (err) {
      reasons.push(`${stage} failed: ${scrub(errorMessage(err))}`);
      await seg?.fail(meeting, reasons.at(-1)!);
    } finally {
      this.controls.delete(control);
      const leftovers = await owned.dropAll(knex);
      if (leftovers.length) reasons.push(`could not drop own tables: ${leftovers.join('; ')}`);
      await knex.destroy();
      if (server.provider === 'file') for (const ext of ['', '-wal', '-shm', '-journal']) rmSync(`${server.url}${ext}`, { force: true });
    }
    const result: CellResult =
      reasons.length === 0 && target && figures && verification
        ? { state: 'completed', cell, target, figures, verification }
        : { state: 'failed', cell, reasons, target, figures, verification };
    this.plan.progress.cellFinished(label, result);
    return result;
  }

  /** Start the workers, hold them at the warm-up barrier, then run the measured phase. */
  private async measure(
    knex: Knex,
    workload: WorkloadRef,
    server: ServerAddress,
    work: CellWork,
    workers: number,
    label: string,
    together?: { start(): Promise<void>; otherFailed(): Promise<string | undefined> },
  ): Promise<{
    reports: WorkerReport[];
    otherFailed?: string;
    startedAt: number;
    durationMs: number;
    health: PoolHealth;
    serverActivity: Record<string, number>;
    lockWaits?: LockWaits;
    wire: Wire;
  }> {
    const { profile, control } = work;
    const adapter = adapterFor(profile.adapter as AdapterName);
    if (this.aborted) setPhase(control, PHASE.abort);
    let pending: Promise<WorkerReport[]>[];
    const threads = threadsFor(adapter, profile, workers);
    if (threads > 0) {
      const groups = adapter.capabilities.threadedWorkers ? spreadWorkers(workers, workers) : spreadWorkers(workers, threads);
      const threadProfile = adapter.capabilities.threadedWorkers ? profile : profileForThread(profile, groups.length);
      pending = this.threads.run(groups, { ...work, adapter: profile.adapter as AdapterName, profile: threadProfile, server, workload });
    } else {
      pending = startPooledWorkers(workers, knex, adapter, loadWorkload(workload), work).map((p) => p.then((r) => [r]));
    }
    let crashed = false;
    for (const p of pending) p.catch(() => (crashed = true));

    this.plan.progress.cellStarted(label, this.plan.ops, this.plan.durationMs);
    while (read(control, SLOT.warmed) < workers && !crashed && read(control, SLOT.phase) === PHASE.warmup) await sleep(2);
    // Segments start measuring at one moment, every one of them warm; the counters and samplers below start after.
    if (together && !crashed) {
      try {
        await together.start();
      } catch (err) {
        // The workers wait at the barrier: let them go before the cell fails.
        setPhase(control, PHASE.abort);
        await Promise.allSettled(pending);
        throw err;
      }
    }
    // The server's counters over the measured phase alone: read while every worker waits at the barrier, and again when
    // the last one is done, so thread start-up, warm-up and verification add nothing to them. Counters the server cannot
    // show this user are no reason to fail a cell: the diagnosis then has less evidence.
    const readActivity = () => adapter.readActivity(knex).catch((): Record<string, number> => ({}));
    const activityBefore = await readActivity();
    const lockWaits = lockWaitSampler(adapter, server, profile, tablePrefix(this.plan.runId));
    // Pools inside threads are out of this thread's sight: pool waits are then not sampled.
    const monitor = new PoolMonitor(threads > 0 ? undefined : knex, control, {
      backpressureErrorRate: profile.backpressureErrorRate,
      workers,
      poolMax: profile.pool.max,
    });
    // Pooled workers send through this knex; threads count on their own.
    const stopCountingStatements = countKnexStatements(knex, control);
    const stopCountingWaits = countClientLockWaits(adapter, control);
    const stopCounting = () => {
      stopCountingStatements();
      stopCountingWaits();
    };
    const start = now();
    // t0 of the open-loop schedule, one for every worker and thread; harmless in a closed loop.
    markMeasureStart(control);
    if (crashed) setPhase(control, PHASE.abort);
    else if (read(control, SLOT.phase) === PHASE.warmup) setPhase(control, PHASE.measure);

    // The duration ends the measured phase, unless an abort already has.
    const endMeasuring = () => void Atomics.compareExchange(control, SLOT.phase, PHASE.measure, PHASE.stop);
    const timer = this.plan.durationMs !== null ? setTimeout(endMeasuring, this.plan.durationMs) : undefined;
    const ticker = setInterval(() => this.plan.progress.update(read(control, SLOT.completed), read(control, SLOT.failed)), 200);
    // Segments: another segment that failed or was interrupted ends this one's measuring too, rather than measuring alone.
    let otherFailed: string | undefined;
    const watcher = together
      ? setInterval(async () => {
          otherFailed ??= await together.otherFailed().catch(() => undefined);
          if (otherFailed) setPhase(control, PHASE.abort);
        }, 250)
      : undefined;
    try {
      const settled = await Promise.allSettled(pending);
      const failedWorker = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failedWorker) throw failedWorker.reason;
      const reports = settled.flatMap((s) => (s as PromiseFulfilledResult<WorkerReport[]>).value);
      const end = Math.max(start, ...reports.map((r) => r.endedAt));
      const health = monitor.stop(summarizeLatency(mergeHistograms(reports.map((r) => r.attemptLatency))).mean);
      // Before the activity read and the timed round trip below: they are the harness's statements, not the workload's.
      stopCounting();
      const serverActivity = activityDelta(activityBefore, await readActivity());
      // A round trip to a server, timed once the workers are done so nothing queues ahead of it; SQLite has none.
      const rtt = server.provider === 'file' ? undefined : await roundTripMs(knex);
      const busyWaits = server.provider === 'file' ? { busyWaits: { count: read(control, SLOT.busyWaits), ms: read(control, SLOT.busyWaitMs) } } : {};
      const wire: Wire = { statements: read(control, SLOT.statements), ...busyWaits, ...(rtt !== undefined ? { roundTripMs: rtt } : {}) };
      return {
        reports,
        otherFailed,
        startedAt: start,
        durationMs: end - start,
        health,
        serverActivity,
        wire,
        ...(lockWaits ? { lockWaits: await lockWaits.stop() } : {}),
      };
    } finally {
      stopCounting(); // again on a failure; removing the listener twice is harmless
      await lockWaits?.stop();
      monitor.stop(0);
      clearTimeout(timer);
      clearInterval(ticker);
      clearInterval(watcher);
      endMeasuring();
    }
  }
}

/** What crossed between the harness and the database while measuring, and SQLite's waits for its lock. */
type Wire = Pick<Figures, 'statements' | 'roundTripMs' | 'busyWaits'>;

/** How much each counter grew; counters missing on either side are left out. */
function activityDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(after).flatMap((k) => (k in before ? [[k, after[k]! - before[k]!]] : [])));
}

/** Figures of a cell from its workers' reports. */
function buildFigures(
  reports: WorkerReport[],
  durationMs: number,
  ran: Pick<Figures, 'workers' | 'segment' | 'driverPath' | 'clientThreads' | 'mode' | 'targetRate'>,
  loadMs: number,
  verifyMs: number,
  health: PoolHealth,
  serverActivity: Record<string, number>,
  lockWaits: LockWaits | undefined,
  wire: Wire,
): Figures {
  const round = (x: number) => Math.round(x * 10) / 10;
  const counted = countedFigures(
    reports.map((r) => ({ ...r, histograms: { latency: r.latency, failedLatency: r.failedLatency, attemptLatency: r.attemptLatency } })),
    durationMs,
  );
  const { opsPerSec, rowsPerSec, latencyMs, operations } = counted;
  return {
    ...ran,
    ...counted,
    batchTrajectory: reports.filter((r) => r.trajectory.length > 1).map((r) => ({ workerId: r.workerId, points: r.trajectory })),
    loadMs: round(loadMs),
    verifyMs: round(verifyMs),
    health: { ...health, cpu: withCostPerOperation(health.cpu, operations.total) },
    ...(lockWaits ? { lockWaits } : {}),
    serverActivity,
    ...wire,
    samples: [{ opsPerSec, rowsPerSec, p50: latencyMs.p50, p99: latencyMs.p99, durationMs: counted.durationMs, failed: operations.failed }],
  };
}
