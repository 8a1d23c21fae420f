import { combineRepeats, combineSegments } from './combine';
import { sltOf } from './merge-slt';
import { type CellResult, cellName, type RunResults } from './results-schema';
import { UserError } from './user-error';

/** One results file to merge. */
export interface MergeInput {
  /** Where it was read from, to name it in messages. */
  file: string;
  /** Its validated contents. */
  results: RunResults;
}

/** How to treat a cell that appears in more than one input. */
export interface MergeOptions {
  /** Pool it as repeats of one cell (runs of the same matrix); otherwise it is refused (a CI matrix ran it twice). */
  asRepeats: boolean;
}

const keyOf = cellName;
const major = (node: string) => node.replace(/^v/, '').split('.')[0];

/** Refuse inputs that cannot describe one measurement: other run lengths, other commits, other Node majors, or a profile that changed. */
function checkConsistent(inputs: MergeInput[], options: MergeOptions): void {
  const [first, ...rest] = inputs;
  if (segmented(inputs)) checkSegments(inputs);
  else {
    const seenRuns = new Map<string, string>();
    for (const input of inputs) {
      const other = seenRuns.get(input.results.runId);
      if (other !== undefined) throw new UserError(`${other} and ${input.file} are the same run (run id ${input.results.runId}); give each results file once`);
      seenRuns.set(input.results.runId, input.file);
    }
  }
  // Shards of one matrix differ by design, and segments of one load; every other option must match.
  const { repeats: firstRepeats, shard: _firstShard, segment: _firstSegment, ...firstLength } = first!.results.options;
  const firstProfiles = new Map(first!.results.profiles.map((p) => [String(p.name), JSON.stringify(p)]));
  for (const input of rest) {
    const { repeats, shard: _shard, segment: _segment, ...length } = input.results.options;
    for (const [k, v] of Object.entries(length)) {
      const want = firstLength[k as keyof typeof firstLength];
      // An option absent from an older file is the same as null (e.g. rate: closed loop).
      if ((v ?? null) !== (want ?? null))
        throw new UserError(`${first!.file} and ${input.file} ran with different ${k} (${String(want)} and ${String(v)}); merge runs of the same length`);
    }
    if (!options.asRepeats && repeats !== firstRepeats) {
      throw new UserError(
        `${first!.file} and ${input.file} ran each cell a different number of times (${firstRepeats} and ${repeats}); rerun with the same --repeat`,
      );
    }
    const [a, b] = [first!.results.environment, input.results.environment];
    if (a.gitCommit && b.gitCommit && a.gitCommit !== b.gitCommit) {
      throw new UserError(
        `${first!.file} was measured at commit ${a.gitCommit.slice(0, 12)} and ${input.file} at ${b.gitCommit.slice(0, 12)}; merge runs of one commit (compare runs of two)`,
      );
    }
    if (major(a.node) !== major(b.node)) {
      throw new UserError(`${first!.file} ran on Node ${a.node} and ${input.file} on ${b.node}; merge runs of one Node version`);
    }
    for (const [workload, values] of Object.entries(input.results.workloadParams ?? {})) {
      const theirs = first!.results.workloadParams?.[workload];
      if (theirs !== undefined && JSON.stringify(theirs) !== JSON.stringify(values)) {
        throw new UserError(`workload ${workload} ran with different parameters in ${first!.file} and ${input.file}; compare the runs instead`);
      }
    }
    for (const p of input.results.profiles) {
      const theirs = firstProfiles.get(String(p.name));
      if (theirs !== undefined && theirs !== JSON.stringify(p)) {
        throw new UserError(
          `profile ${String(p.name)} has different values in ${first!.file} and ${input.file}; give changed profiles a new name, or compare the runs instead`,
        );
      }
    }
  }
}

/** Whether the inputs are segments of one run (`run --segment i/n`); a mix of segments and whole runs is refused. */
function segmented(inputs: MergeInput[]): boolean {
  const count = inputs.filter((i) => i.results.options.segment).length;
  if (count > 0 && count < inputs.length)
    throw new UserError('some files are segments of a run (--segment) and some are not; merge the segments of one run alone');
  return count > 0;
}

/** Segments of one run: the same run id, every segment 1..n once. */
function checkSegments(inputs: MergeInput[]): void {
  const first = inputs[0]!;
  const n = first.results.options.segment!.count;
  const seen = new Map<number, string>();
  for (const input of inputs) {
    const s = input.results.options.segment!;
    if (input.results.runId !== first.results.runId)
      throw new UserError(
        `${first.file} and ${input.file} are segments of different runs (${first.results.runId}, ${input.results.runId}); merge the segments of one run`,
      );
    if (s.count !== n) throw new UserError(`${first.file} is a segment of ${n} and ${input.file} of ${s.count}; merge the segments of one run`);
    const other = seen.get(s.index);
    if (other !== undefined) throw new UserError(`${other} and ${input.file} are both segment ${s.index} of ${n}; give each segment once`);
    seen.set(s.index, input.file);
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length) throw new UserError(`segment(s) ${missing.join(', ')} of ${n} are missing; merge every segment of the run`);
}

/** Every workload's parameters across runs (checkConsistent made sure they agree); nothing when no run recorded any. */
function workloadParamsOf(runs: RunResults[]): Pick<RunResults, 'workloadParams'> {
  if (runs.every((r) => r.workloadParams === undefined)) return {};
  return { workloadParams: Object.assign({}, ...runs.map((r) => r.workloadParams ?? {})) };
}

/**
 * Several results files as one report: cells of different adapters side by side (one CI job per adapter), or with
 * asRepeats, runs of the same cells pooled exactly through their histograms.
 */
export function mergeResults(inputs: MergeInput[], options: MergeOptions): RunResults {
  if (inputs.length === 0) throw new UserError('merge needs at least one results file');
  checkConsistent(inputs, options);
  const order: string[] = [];
  const byCell = new Map<string, { files: string[]; results: CellResult[] }>();
  const segments = segmented(inputs);
  for (const input of inputs) {
    for (const cell of input.results.cells) {
      const key = keyOf(cell.cell);
      let entry = byCell.get(key);
      if (!entry) {
        entry = { files: [], results: [] };
        byCell.set(key, entry);
        order.push(key);
      } else if (!options.asRepeats && !segments) {
        throw new UserError(
          `cell ${key} is in both ${entry.files[0]} and ${input.file}; merge results of different adapters or profiles, or pass --as-repeats to pool repeated runs`,
        );
      }
      entry.files.push(input.file);
      entry.results.push(cell);
    }
  }
  const profiles = new Map<string, Record<string, unknown>>();
  for (const input of inputs) for (const p of input.results.profiles) if (!profiles.has(String(p.name))) profiles.set(String(p.name), p);
  const runs = inputs.map((i) => i.results);
  const first = runs[0]!;
  return {
    schemaVersion: first.schemaVersion,
    runId: segments ? first.runId : runs.map((r) => r.runId).join('+'),
    startedAt: runs.map((r) => r.startedAt).sort()[0]!,
    finishedAt: runs
      .map((r) => r.finishedAt)
      .sort()
      .at(-1)!,
    environment: first.environment,
    mergedFrom: inputs.map((i) => ({ runId: i.results.runId, file: i.file, adapters: adaptersOf(i.results) })),
    // Merged shards are the whole matrix again, and merged segments the whole load, so neither is named.
    options: {
      ...withoutShard(first.options),
      repeats: options.asRepeats && !segments ? runs.reduce((n, r) => n + r.options.repeats, 0) : first.options.repeats,
    },
    profiles: [...profiles.values()],
    ...workloadParamsOf(runs),
    cells: order.map((key) => (segments ? combineSegments : combineRepeats)(byCell.get(key)!.results)),
    ...conformanceOf(runs),
    ...sltOf(runs),
    interrupted: runs.some((r) => r.interrupted),
  };
}

/** The conformance answers of merged runs: each database's from the first run that asked it (a case's answer does not pool). */
function conformanceOf(runs: RunResults[]): Pick<RunResults, 'conformance'> {
  const tables = new Map<string, NonNullable<RunResults['conformance']>[number]>();
  for (const r of runs) for (const t of r.conformance ?? []) if (!tables.has(t.adapter)) tables.set(t.adapter, t);
  return tables.size ? { conformance: [...tables.values()] } : {};
}

/** The adapters a run measured or asked: its cells', its conformance answers' and its sqllogictest files'. */
function adaptersOf(r: RunResults): string[] {
  return [
    ...new Set([
      ...r.cells.map((c) => c.cell.adapter),
      ...(r.conformance ?? []).map((t) => t.adapter),
      ...(r.sqllogictest ?? []).flatMap((f) => f.databases.map((d) => d.adapter)),
    ]),
  ];
}

/** Run options with the shard and the segment left out. */
function withoutShard(o: RunResults['options']): RunResults['options'] {
  const { shard: _shard, segment: _segment, ...rest } = o;
  return rest;
}
