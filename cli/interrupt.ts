/** Something a signal can stop. */
export interface Abortable {
  /** Finish current operations, skip the rest, clean up. */
  abort(): void;
}

/** The signal handlers of one command. */
export interface SignalGuard {
  /** Whether a signal arrived. */
  interrupted(): boolean;
  /** The exit code for the first signal that arrived, as shells report a process it ended: 128 + its number (SIGINT 130, SIGTERM 143). */
  exitCode(): number;
  /** Remove the handlers. */
  dispose(): void;
}

/** 128 + the signal's number: what a shell reports for a process the signal ended, and what callers (CI runners, systemd) expect. */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** Ctrl-C (or SIGTERM) aborts the current run, which still removes its tables; a second one exits at once. */
export function abortOnSignal(current: () => Abortable | undefined): SignalGuard {
  let signals = 0;
  let first: keyof typeof SIGNAL_EXIT_CODES = 'SIGINT';
  const onSignal = (signal: keyof typeof SIGNAL_EXIT_CODES) => {
    if (signals === 0) first = signal;
    if (++signals > 1) {
      process.stderr.write('dbmatrix: forced exit; tables of this run may be left behind\n');
      process.exit(SIGNAL_EXIT_CODES[signal]);
    }
    process.stderr.write("dbmatrix: interrupted; finishing the current operations and removing this run's tables (Ctrl-C again to force)\n");
    current()?.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    interrupted: () => signals > 0,
    exitCode: () => SIGNAL_EXIT_CODES[first],
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
