import { setTimeout as sleep } from 'node:timers/promises';
import { newControl } from '../../matrix/control';
import { PoolMonitor } from '../../matrix/pool-health';

/** Watch this process's event loop for a while, doing `work` meanwhile, and return the lag the monitor reports. */
async function lagWhile(work: () => Promise<void>) {
  const monitor = new PoolMonitor(undefined, newControl(), { backpressureErrorRate: 1, workers: 1, poolMax: 1 });
  await work();
  return monitor.stop(1).eventLoopLagMs;
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
  });
});
