/** Something a signal can stop. */
export interface Abortable {
  /** Finish current operations, skip the rest, clean up. */
  abort(): void;
}

/** The signal handlers of one command. */
export interface SignalGuard {
  /** Whether a signal arrived. */
  interrupted(): boolean;
  /** Remove the handlers. */
  dispose(): void;
}

/** Ctrl-C (or SIGTERM) aborts the current run, which still removes its tables; a second one exits at once. */
export function abortOnSignal(current: () => Abortable | undefined): SignalGuard {
  let signals = 0;
  const onSignal = () => {
    if (++signals > 1) {
      process.stderr.write('dbmatrix: forced exit; tables of this run may be left behind\n');
      process.exit(130);
    }
    process.stderr.write("dbmatrix: interrupted; finishing the current operations and removing this run's tables (Ctrl-C again to force)\n");
    current()?.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    interrupted: () => signals > 0,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
