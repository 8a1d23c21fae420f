import type { Command } from 'commander';

/** Add the tune command to the program (being written). */
export function addTuneCommand(_program: Command): void {}
