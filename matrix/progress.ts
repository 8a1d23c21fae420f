import { SingleBar } from 'cli-progress';
import { int } from '../model/format';
import type { CellResult } from '../model/results-schema';

/** Where the runner reports progress. */
export interface ProgressSink {
  /** The matrix begins: how many cell runs (cells × repeats, of this shard) it holds. Callers that run single cells skip it. */
  matrixStarted?(runs: number): void;
  /** A cell's measured phase begins; total is the operation quota or null for a duration. */
  cellStarted(label: string, totalOps: number | null, durationMs: number | null): void;
  /** Measured operations finished so far, and how many of them failed. */
  update(done: number, failed: number): void;
  /** A cell ended. */
  cellFinished(label: string, result: CellResult): void;
}

/** No output (tests, --quiet). */
export const silentProgress: ProgressSink = { cellStarted() {}, update() {}, cellFinished() {} };

/** One line per cell outcome, e.g. `sqlite-wal × insert-bulk: completed, 254,000 rows/s, p99 3.1 ms`. */
export function outcomeLine(label: string, result: CellResult): string {
  if (result.state === 'skipped') return `${label}: skipped (${result.reason})`;
  const f = result.figures;
  const figures = f ? `, ${int(f.opsPerSec)} ops/s, p99 ${f.latencyMs.p99} ms` : '';
  return result.state === 'completed' ? `${label}: ok${figures}` : `${label}: FAILED${figures}: ${result.reasons.join('; ')}`;
}

/** A span of time as people read it on a progress line: 42 s, 3m05s, 1h02m. */
export function clockText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Where the matrix stands: cell runs done of all, time since it began, and the time left at the pace so far. */
class MatrixClock {
  private runs: number | null = null;
  private done = 0;
  private readonly began: number;

  constructor(private readonly now: () => number) {
    this.began = now();
  }

  start(runs: number): void {
    this.runs = runs;
  }

  finish(): void {
    this.done++;
  }

  /**
   * `cell 3 of 24, 1m12s, about 4m10s left`: the cell running, or with `finished` the one that just finished; the time
   * left at the mean pace of the finished ones, once there are some and while some remain. Without a total (single
   * cells), the elapsed time alone.
   */
  text(finished = false): string {
    const elapsed = this.now() - this.began;
    if (this.runs === null) return clockText(elapsed);
    const at = Math.min(finished ? this.done : this.done + 1, this.runs);
    const remaining = this.runs - this.done;
    const left = this.done > 0 && remaining > 0 ? `, about ${clockText((elapsed / this.done) * remaining)} left` : '';
    return `cell ${at} of ${this.runs}, ${clockText(elapsed)}${left}`;
  }
}

/**
 * Progress on a stream: a bar when it is a terminal, otherwise a line every few seconds; both say which cell of the
 * matrix runs, the time so far and an estimate of the time left. A cell measured for a time shows seconds of that time
 * and the operations done, one measured by count its operations of the quota.
 */
export function streamProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, intervalMs = 5000, now: () => number = Date.now): ProgressSink {
  const tty = Boolean(stream.isTTY);
  const clock = new MatrixClock(now);
  let bar: SingleBar | undefined;
  let label = '';
  let total: number | null = null;
  let durationMs: number | null = null;
  let started = 0;
  let lastLine = 0;
  const where = (done: number, failed: number) => {
    const elapsed = now() - started;
    const rate = elapsed > 0 ? int((done * 1000) / elapsed) : '0';
    const amount =
      total !== null
        ? `${int(done)}/${int(total)} ops`
        : `${(Math.min(elapsed, durationMs ?? 0) / 1000).toFixed(1)}/${((durationMs ?? 0) / 1000).toFixed(1)} s, ${int(done)} ops`;
    return { amount, rate, failed: int(failed) };
  };
  return {
    matrixStarted(runs) {
      clock.start(runs);
    },
    cellStarted(l, t, d) {
      label = l;
      total = t;
      durationMs = d;
      started = now();
      lastLine = started;
      if (tty) {
        bar = new SingleBar({
          stream: stream as NodeJS.WriteStream,
          format: '{matrix} | {label} [{bar}] {amount} | {rate} ops/s | {failed} failed',
          hideCursor: true,
          clearOnComplete: true,
        });
        // The bar's own value is a share in thousandths: operations of the quota, or time of the duration.
        bar.start(1000, 0, { matrix: clock.text(), label, ...where(0, 0) });
      }
    },
    update(done, failed) {
      const elapsed = now() - started;
      if (bar) {
        const share = total !== null ? done / Math.max(1, total) : elapsed / Math.max(1, durationMs ?? 1);
        bar.update(Math.min(1000, Math.round(share * 1000)), { matrix: clock.text(), label, ...where(done, failed) });
      } else if (now() - lastLine >= intervalMs) {
        lastLine = now();
        const w = where(done, failed);
        stream.write(`  [${clock.text()}] ${label}: ${w.amount}, ${w.rate} ops/s, ${w.failed} failed\n`);
      }
    },
    cellFinished(l, result) {
      bar?.stop();
      bar = undefined;
      clock.finish();
      stream.write(`[${clock.text(true)}] ${outcomeLine(l, result)}\n`);
    },
  };
}
