import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import { newLatencyHistogram, summarizeLatency } from '../model/metrics';
import type { BackpressureEvent, CpuUse, ErrorWindow, PoolHealth, PoolSample, TimelinePoint } from '../model/results-schema';
import { read, SLOT } from './control';

/** CPU time over all cores since boot: busy, idle waiting for I/O (where the system tells it), and in all. */
interface MachineTimes {
  busy: number;
  iowait?: number;
  total: number;
}

/**
 * The machine's CPU times from /proc/stat, which alone tells iowait (os.cpus() leaves it out of every field, so a
 * machine waiting on its disk would look idle); elsewhere from os.cpus().
 */
function machineTimes(): MachineTimes {
  try {
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const busy = user! + nice! + system! + irq! + softirq! + (steal ?? 0);
    if ([busy, idle, iowait].every(Number.isFinite)) return { busy, iowait, total: busy + idle! + iowait! };
  } catch {
    // Not Linux: no iowait.
  }
  let busy = 0;
  let total = 0;
  for (const c of cpus()) {
    const t = c.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

/** Thresholds for backpressure and the client-bound flag. */
export interface HealthPolicy {
  /** Share of failed operations in a window that halves the running workers (1 = never). */
  backpressureErrorRate: number;
  /** Most workers; backpressure releases back up to this. */
  workers: number;
  /** Pool size: with more workers than connections the surplus only queues. */
  poolMax: number;
}

/** Event-loop lag above this p99 means callbacks waited long to run. */
export const CLIENT_LAG_P99_MS = 50;

/**
 * Busy share of the event loop from which lag counts as the harness setting the pace. A loop that waits for
 * the database most of the time and lags once (a GC pause, a descheduled process) did not set it.
 */
export const CLIENT_LOOP_BUSY = 0.7;

/** Whether lag and busy share together say the harness, not the database, set the pace. */
export function loopBound(h: Pick<PoolHealth, 'eventLoopLagMs' | 'eventLoopBusy'>): boolean {
  return h.eventLoopLagMs.p99 > CLIENT_LAG_P99_MS && h.eventLoopBusy >= CLIENT_LOOP_BUSY;
}

/** How often the event-loop monitor's timer fires, ms. It records the whole interval between firings, this included. */
const LAG_RESOLUTION_MS = 10;

/**
 * Samples pool and event loop while a cell measures, counts errors per window, and lowers the number of
 * running workers (SLOT.active) when the pool is exhausted or the error rate passes the threshold.
 */
export class PoolMonitor {
  private readonly samples: PoolSample[] = [];
  private readonly windows: ErrorWindow[] = [];
  private readonly timeline: TimelinePoint[] = [{ atMs: 0, completed: 0, failed: 0 }];
  private readonly backpressure: BackpressureEvent[] = [];
  private readonly acquire = newLatencyHistogram();
  private readonly pendingAcquireStarts = new Map<number, number>();
  private readonly lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  private readonly start = performance.now();
  private readonly loopStart = performance.eventLoopUtilization();
  private readonly machineStart = machineTimes();
  private readonly processStart = process.cpuUsage();
  private readonly timers: NodeJS.Timeout[] = [];
  private lastCompleted = 0;
  private lastFailed = 0;
  private healthyWindows = 0;
  private exhaustedSamples = 0;
  private readonly pool: TarnPool | undefined;
  private result: PoolHealth | undefined;

  constructor(
    knex: Knex | undefined,
    private readonly control: Int32Array,
    private readonly policy: HealthPolicy,
  ) {
    this.pool = knex ? ((knex.client as { pool?: TarnPool }).pool ?? undefined) : undefined;
    Atomics.store(control, SLOT.active, policy.workers);
    this.pool?.on('acquireRequest', this.onRequest);
    this.pool?.on('acquireSuccess', this.onSuccess);
    this.lag.enable();
    if (this.pool) this.timers.push(setInterval(() => this.sample(), 100));
    this.timers.push(setInterval(() => this.window(), 1000));
    this.timers.push(setInterval(() => this.mark(), 100));
  }

  private mark(): void {
    this.timeline.push({ atMs: this.now(), completed: read(this.control, SLOT.completed), failed: read(this.control, SLOT.failed) });
  }

  private readonly onRequest = (eventId: number) => this.pendingAcquireStarts.set(eventId, performance.now());
  private readonly onSuccess = (eventId: number) => {
    const t = this.pendingAcquireStarts.get(eventId);
    if (t === undefined) return;
    this.pendingAcquireStarts.delete(eventId);
    this.acquire.recordValue(Math.max(1, Math.round((performance.now() - t) * 1000)));
  };

  private now(): number {
    return Math.round(performance.now() - this.start);
  }

  private sample(): void {
    const p = this.pool!;
    const s = { atMs: this.now(), used: p.numUsed(), free: p.numFree(), pendingAcquires: p.numPendingAcquires(), pendingCreates: p.numPendingCreates() };
    this.samples.push(s);
    if (s.used >= this.policy.poolMax && s.pendingAcquires > 0) this.exhaustedSamples++;
  }

  private setActive(active: number, reason: string): void {
    if (active === read(this.control, SLOT.active)) return;
    Atomics.store(this.control, SLOT.active, active);
    this.backpressure.push({ atMs: this.now(), activeWorkers: active, reason });
  }

  /** Record the operations since the last window, which started `lengthMs` ago. */
  private closeWindow(lengthMs: number): { completed: number; failed: number } {
    const completed = read(this.control, SLOT.completed);
    const failed = read(this.control, SLOT.failed);
    const w = { atMs: this.now() - lengthMs, completed: completed - this.lastCompleted, failed: failed - this.lastFailed };
    this.lastCompleted = completed;
    this.lastFailed = failed;
    this.windows.push(w);
    return w;
  }

  private window(): void {
    const w = this.closeWindow(1000);
    const active = read(this.control, SLOT.active);
    const exhausted = this.exhaustedSamples >= 8; // most of the window's ten samples
    this.exhaustedSamples = 0;
    if (w.completed > 0 && w.failed / w.completed > this.policy.backpressureErrorRate && active > 1) {
      this.healthyWindows = 0;
      this.setActive(Math.max(1, Math.ceil(active / 2)), `${w.failed} of ${w.completed} operations failed in the last second`);
    } else if (exhausted && active > this.policy.poolMax) {
      this.healthyWindows = 0;
      this.setActive(this.policy.poolMax, `pool exhausted: ${active} workers for ${this.policy.poolMax} connections`);
    } else if (++this.healthyWindows >= 3 && active < this.policy.workers) {
      this.healthyWindows = 0;
      this.setActive(Math.min(this.policy.workers, active + Math.max(1, Math.ceil(this.policy.workers / 8))), 'three healthy seconds');
    }
  }

  /** Stop sampling and summarise; `attemptMeanMs` is the mean time of one attempt, to weigh pool waits against. */
  stop(attemptMeanMs: number): PoolHealth {
    if (this.result) return this.result;
    for (const t of this.timers) clearInterval(t);
    this.mark();
    // The last, shorter window too: the windows account for every operation of the measured phase.
    const lastEnd = (this.windows.at(-1)?.atMs ?? -1000) + 1000;
    this.closeWindow(Math.max(0, this.now() - lastEnd));
    this.lag.disable();
    this.pool?.removeListener('acquireRequest', this.onRequest);
    this.pool?.removeListener('acquireSuccess', this.onSuccess);
    const acquireWaitMs = summarizeLatency(this.acquire);
    // The delay is what the timer waited beyond its interval: an idle loop's 10.1 ms between firings is 0.1 ms of lag.
    const delay = (ns: number) => Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS);
    const lag = { p50: delay(this.lag.percentile(50)), p99: delay(this.lag.percentile(99)), max: delay(this.lag.max) };
    const round = (x: number) => Math.round(x * 100) / 100;
    const busy = round(performance.eventLoopUtilization(this.loopStart).utilization);
    const reasons: string[] = [];
    if (loopBound({ eventLoopLagMs: lag, eventLoopBusy: busy })) {
      reasons.push(`event-loop lag p99 ${round(lag.p99)} ms with the loop busy ${Math.round(busy * 100)}% of the time: the harness process was busy`);
    }
    if (acquireWaitMs.count > 0 && attemptMeanMs > 0 && acquireWaitMs.mean > attemptMeanMs / 2) {
      reasons.push(
        `queries waited ${acquireWaitMs.mean} ms on average for a connection, against ${round(attemptMeanMs)} ms per attempt: the pool is too small`,
      );
    }
    const step = Math.max(1, Math.ceil(this.samples.length / 120));
    const machine = machineTimes();
    const spent = process.cpuUsage(this.processStart);
    const wallMs = Math.max(1, performance.now() - this.start);
    const machineTotal = machine.total - this.machineStart.total;
    const harnessCpuMs = (spent.user + spent.system) / 1000;
    const cpu: CpuUse = {
      cores: cpus().length,
      machineBusy: machineTotal > 0 ? round((machine.busy - this.machineStart.busy) / machineTotal) : 0,
      harnessCores: round(harnessCpuMs / wallMs),
      harnessCpuMs: round(harnessCpuMs),
      ...(machine.iowait !== undefined && this.machineStart.iowait !== undefined && machineTotal > 0
        ? { iowait: round((machine.iowait - this.machineStart.iowait) / machineTotal) }
        : {}),
    };
    // Cumulative counts thin without losing operations: a later point still counts everything before it.
    const timelineStep = Math.max(1, Math.ceil(this.timeline.length / 200));
    const last = this.timeline.length - 1;
    return (this.result = {
      sampled: this.pool !== undefined,
      samples: this.samples.filter((_, i) => i % step === 0),
      maxUsed: Math.max(0, ...this.samples.map((s) => s.used)),
      maxPendingAcquires: Math.max(0, ...this.samples.map((s) => s.pendingAcquires)),
      acquireWaitMs,
      windows: this.windows,
      eventLoopLagMs: { p50: round(lag.p50), p99: round(lag.p99), max: round(lag.max) },
      eventLoopBusy: busy,
      backpressure: this.backpressure,
      clientBound: { flagged: reasons.length > 0, reasons },
      timeline: this.timeline.filter((_, i) => i % timelineStep === 0 || i === last),
      cpu,
    });
  }
}

/** The part of tarn's Pool this monitor reads. */
interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
  on(event: string, handler: (eventId: number) => void): void;
  removeListener(event: string, handler: (eventId: number) => void): void;
}
