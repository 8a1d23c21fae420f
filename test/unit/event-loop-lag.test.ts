import { setTimeout as sleep } from 'node:timers/promises';
import { newControl } from '../../matrix/control';
import { CLIENT_LOOP_BUSY, loopBound, PoolMonitor } from '../../matrix/pool-health';

/** Watch this process's event loop for a while, doing `work` meanwhile, and return the lag the monitor reports. */
async function lagWhile(work: () => Promise<void>) {
  const monitor = new PoolMonitor(undefined, newControl(), { backpressureErrorRate: 1, workers: 1, poolMax: 1 });
  await work();
  const health = monitor.stop(1);
  return { ...health.eventLoopLagMs, busy: health.eventLoopBusy, bound: loopBound(health), reasons: health.clientBound.reasons };
}

/** Hold the event loop for `ms` without yielding, as a CPU-heavy client does. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('event-loop lag', () => {
  test('an idle loop shows next to no lag, not the monitor’s 10 ms sampling interval', async () => {
    const lag = await lagWhile(() => sleep(500));
    expect(lag.p50).toBeLessThan(2);
    // Well under the share that marks a client-bound loop (CLIENT_LOOP_BUSY, 0.7): a CI leg with a database container
    // and two test files beside it read an idle loop 0.23 busy.
    expect(lag.busy).toBeLessThan(CLIENT_LOOP_BUSY / 2);
    expect(lag.bound).toBe(false);
  });

  test('a loop held for 120 ms at a time shows that hold in its p99 and max', async () => {
    const lag = await lagWhile(async () => {
      for (let i = 0; i < 4; i++) {
        block(120);
        await sleep(30);
      }
    });
    expect(lag.max).toBeGreaterThanOrEqual(100);
    expect(lag.max).toBeLessThan(400);
    expect(lag.p99).toBeGreaterThanOrEqual(100);
    expect(lag.busy).toBeGreaterThan(0.7);
    expect(lag.bound).toBe(true);
    expect(lag.reasons.join(' ')).toMatch(/busy \d+% of the time/);
  });

  test('two holds in an otherwise waiting loop lag but do not make the harness the bottleneck', async () => {
    // GC pauses or a descheduled process on a shared runner: the loop waited for I/O nearly all the time.
    const lag = await lagWhile(async () => {
      for (let i = 0; i < 2; i++) {
        await sleep(300);
        block(70);
      }
      await sleep(400);
    });
    expect(lag.p99).toBeGreaterThan(50);
    expect(lag.busy).toBeLessThan(0.3);
    expect(lag.bound).toBe(false);
    expect(lag.reasons).toEqual([]);
  });
});
