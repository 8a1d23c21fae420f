import { readJsonFile } from './json-file';
import { RESULTS_SCHEMA_VERSION, type RunResults, runResultsSchema } from './results-schema';
import { formatIssues, UserError } from './user-error';

/** Read and validate a results.json; anything else is refused with one line that names the file and the problem. */
export function readResults(path: string): RunResults {
  const json = readJsonFile(path, 'results file');
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof json !== 'object' || json === null || Array.isArray(json) || version === undefined) {
    throw new UserError(`${path} is not a dbmatrix results file (no schemaVersion); give the results.json a run wrote`);
  }
  if (version !== RESULTS_SCHEMA_VERSION) {
    throw new UserError(
      `${path} has results schema version ${String(version)}; this dbmatrix reads version ${RESULTS_SCHEMA_VERSION}: produce it again with this version`,
    );
  }
  const parsed = runResultsSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
    throw new UserError(`${path} does not match the results schema: ${formatIssues(issues.slice(0, 3))}${more}; see model/results.schema.json`);
  }
  return parsed.data;
}

/**
 * The part of a run one of its servers measured (cells and conformance answers), with that server's label taken off
 * the keys, so that it lines up with another server of the run, or with a run of one server alone.
 */
export function serverSlice(results: RunResults, label: string, path: string): RunResults {
  const labels = [
    ...new Set([...results.cells.map((c) => c.cell.serverLabel), ...(results.conformance ?? []).map((t) => t.serverLabel)].filter((l) => l !== undefined)),
  ];
  if (!labels.includes(label)) {
    const known = labels.length ? `its servers are ${labels.map((l) => `'${l}'`).join(', ')}` : 'it ran one server per adapter: compare it whole';
    throw new UserError(`${path} has no server '${label}'; ${known}`);
  }
  const unlabelled = <T extends { serverLabel?: string }>({ serverLabel: _, ...rest }: T) => rest;
  return {
    ...results,
    cells: results.cells.filter((c) => c.cell.serverLabel === label).map((c) => ({ ...c, cell: unlabelled(c.cell) })),
    ...(results.conformance ? { conformance: results.conformance.filter((t) => t.serverLabel === label).map(unlabelled) } : {}),
  };
}
