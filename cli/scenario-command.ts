import type { Command } from 'commander';

/** Add the scenario command to the program (being written). */
export function addScenarioCommand(_program: Command): void {}
