import { type Command, InvalidArgumentError, Option } from 'commander';
import { type AdapterName, adapterFor, SERVER_ADAPTERS } from '../adapters/registry';
import { DURATION_EXAMPLES, durationMs } from '../config/config-file';
import { imageVariable } from '../docker/images';
import { parseShard, type Shard } from '../matrix/shard';
import { isWorkloadName, WORKLOAD_NAMES, type WorkloadName } from '../matrix/workloads/registry';
import { type WorkloadRef, workloadRef } from '../matrix/workloads/sources';
import { UserError } from '../model/user-error';
import { DEFAULT_THRESHOLDS } from '../reports/compare';
import { urlVariable } from '../servers/resolve';

/** A commander parser for a whole number of at least 1. */
export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} takes a whole number of at least 1`);
    return n;
  };
}

/** A commander parser for a whole number of at least 0. */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('takes a whole number of at least 0');
  return n;
}

/** "500ms", "30s", "2m", "1h" or a number of seconds, as milliseconds. */
export function parseDuration(value: string): number {
  const ms = durationMs(value);
  if (ms === null) throw new InvalidArgumentError(`takes a duration of at least 100 ms, such as ${DURATION_EXAMPLES}`);
  return ms;
}

/** A commander parser for a share between 0 and 1. */
export function rate(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('takes a share between 0 and 1, such as 0.01');
  return n;
}

/** Highest --rate: the schedule's tickets are 32-bit, and no cell of this harness gets near a million operations a second. */
export const MAX_RATE = 1_000_000;

/** A commander parser for `--rate`: operations per second, above 0 (fractions allowed, e.g. 0.5). */
export function opsPerSecond(value: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !(n > 0 && n <= MAX_RATE))
    throw new InvalidArgumentError(`--rate takes operations per second, a number above 0 and at most ${MAX_RATE}, such as 200`);
  return n;
}

/** A commander parser for `--shard i/n`. */
export function shardOption(value: string): Shard {
  const shard = parseShard(value);
  if (typeof shard === 'string') throw new InvalidArgumentError(shard);
  return shard;
}

/** A comma-separated list of workload names, each checked. */
export function parseWorkloads(text: string): WorkloadName[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) if (!isWorkloadName(n)) throw new UserError(`unknown workload '${n}'; valid workloads: ${WORKLOAD_NAMES.join(', ')}`);
  if (names.length === 0) throw new UserError(`no workload given; valid workloads: ${WORKLOAD_NAMES.join(', ')}`);
  return [...new Set(names)] as WorkloadName[];
}

/** A comma-separated list of workloads for `run`: built-in names or workload files, each checked. */
export function parseWorkloadRefs(text: string, baseDir?: string): WorkloadRef[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UserError(`no workload given; valid workloads: ${WORKLOAD_NAMES.join(', ')}, or a path to a workload file`);
  return [...new Set(items.map((item) => workloadRef(item, baseDir)))];
}

/** The server flags every command that reaches a database takes: --<adapter>-url for each server adapter, repeatable. */
export type ServerUrlOptions = { [Name in AdapterName as `${Name}Url`]?: string[] };

/** Add --<adapter>-url for every server adapter of the registry to a command. */
export function serverUrlOptions(command: Command): Command {
  for (const name of SERVER_ADAPTERS) {
    command.option(
      `--${name}-url <url>`,
      `${adapterFor(name).server!.serves} server (else ${urlVariable(name)}, else Testcontainers); repeat it to measure several servers side by side`,
      collect,
      [] as string[],
    );
  }
  return command;
}

/** The server URLs given as flags, by adapter. */
export function serverUrls(opts: ServerUrlOptions): Partial<Record<AdapterName, string[]>> {
  return Object.fromEntries(SERVER_ADAPTERS.flatMap((name) => (opts[`${name}Url`]?.length ? [[name, opts[`${name}Url`]]] : [])));
}

/** The image flags of a command that may start containers: --<adapter>-image for each server adapter, a comma-separated list. */
export type ServerImageOptions = { [Name in AdapterName as `${Name}Image`]?: string };

/** Add --<adapter>-image for every server adapter of the registry to a command. */
export function serverImageOptions(command: Command): Command {
  for (const name of SERVER_ADAPTERS) {
    const server = adapterFor(name).server!;
    command.option(
      `--${name}-image <images>`,
      `image for a ${adapterFor(name).label} container (else ${imageVariable(name)}, else ${server.image} or the local stand-in); several, comma-separated, measure each side by side`,
    );
  }
  return command;
}

/** The images given as flags, by adapter. */
export function serverImages(opts: ServerImageOptions): Partial<Record<AdapterName, string>> {
  return Object.fromEntries(SERVER_ADAPTERS.flatMap((name) => (opts[`${name}Image`] ? [[name, opts[`${name}Image`]]] : [])));
}

/** Commander's reducer for a repeatable option: every value, in order. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** A commander parser for a share between 0 and 1. */
function share(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`${flag} takes a share between 0 and 1, such as 0.1`);
    return n;
  };
}

/** compare's thresholds as options of a command that judges runs (compare, alternate); `over` names the samples the interval is taken over. */
export function thresholdOptions(over: string): Option[] {
  return [
    new Option('--throughput-threshold <share>', 'throughput loss that counts as a regression')
      .argParser(share('--throughput-threshold'))
      .default(DEFAULT_THRESHOLDS.throughput),
    new Option('--latency-threshold <share>', 'p50/p99 growth that counts as a regression')
      .argParser(share('--latency-threshold'))
      .default(DEFAULT_THRESHOLDS.latency),
    new Option('--confidence <level>', `confidence level of the interval over ${over}`).argParser(share('--confidence')).default(DEFAULT_THRESHOLDS.confidence),
  ];
}
