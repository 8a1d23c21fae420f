import { SingleBar } from 'cli-progress';
import type { CellResult } from '../model/results-schema';

/** Where the runner reports progress. */
export interface ProgressSink {
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
  const figures = f ? `, ${Math.round(f.opsPerSec).toLocaleString('en-US')} ops/s, p99 ${f.latencyMs.p99} ms` : '';
  return result.state === 'completed' ? `${label}: ok${figures}` : `${label}: FAILED${figures}: ${result.reasons.join('; ')}`;
}

/** Progress on a stream: a bar when it is a terminal, otherwise a line every few seconds. */
export function streamProgress(stream: NodeJS.WriteStream, intervalMs = 5000): ProgressSink {
  const tty = Boolean(stream.isTTY);
  let bar: SingleBar | undefined;
  let label = '';
  let total: number | null = null;
  let durationMs: number | null = null;
  let started = 0;
  let lastLine = 0;
  const target = () => (total !== null ? total : Math.max(1, Math.round((durationMs ?? 1000) / 100)));
  return {
    cellStarted(l, t, d) {
      label = l;
      total = t;
      durationMs = d;
      started = Date.now();
      lastLine = started;
      if (tty) {
        bar = new SingleBar({
          stream,
          format: `{label} [{bar}] {value}/{total} ops | {rate} ops/s | {failed} failed`,
          hideCursor: true,
          clearOnComplete: true,
        });
        bar.start(target(), 0, { label, rate: 0, failed: 0 });
      }
    },
    update(done, failed) {
      const elapsed = (Date.now() - started) / 1000;
      const rate = elapsed > 0 ? Math.round(done / elapsed) : 0;
      if (bar) {
        // With a duration the bar shows elapsed time in tenths of a second instead of operations.
        bar.update(total !== null ? done : Math.min(target(), Math.round(elapsed * 10)), { label, rate, failed });
      } else if (Date.now() - lastLine >= intervalMs) {
        lastLine = Date.now();
        const of = total !== null ? `/${total}` : '';
        stream.write(`  ${label}: ${done}${of} ops, ${rate} ops/s, ${failed} failed, ${elapsed.toFixed(0)} s\n`);
      }
    },
    cellFinished(l, result) {
      bar?.stop();
      bar = undefined;
      stream.write(`${outcomeLine(l, result)}\n`);
    },
  };
}
