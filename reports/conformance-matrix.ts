import type { ConformanceAnswers, RunResults } from './results-schema';

type Answer = ConformanceAnswers['answers'][number];

/** One case across the databases that answered it. */
export interface ConformanceRow {
  /** Case id. */
  id: string;
  /** What the case expects. */
  reference: string;
  /** Each database's answer, by adapter, in the run's order. */
  byAdapter: Partial<Record<string, Answer>>;
  /** Whether the databases answered differently from one another (not from the reference). */
  databasesDiffer: boolean;
}

/** The conformance matrix of a run: a row per case, in case order; empty when the run asked no cases. */
export function conformanceRows(results: Pick<RunResults, 'conformance'>): { adapters: string[]; rows: ConformanceRow[] } {
  const tables = results.conformance ?? [];
  const adapters = tables.map((t) => t.adapter);
  const ids = [...new Set(tables.flatMap((t) => t.answers.map((a) => a.id)))];
  const rows = ids.map((id) => {
    const byAdapter: ConformanceRow['byAdapter'] = {};
    for (const t of tables) {
      const a = t.answers.find((x) => x.id === id);
      if (a) byAdapter[t.adapter] = a;
    }
    const answers = new Set(Object.values(byAdapter).map((a) => a!.answer.replace(/ \(.*\)$/, '')));
    const reference = Object.values(byAdapter)[0]?.reference ?? '';
    return { id, reference, byAdapter, databasesDiffer: answers.size > 1 };
  });
  return { adapters, rows };
}

/** A cell of the matrix as short text: ✅ as expected, ≠ another value, ⚠️ an error where a value (or another error) was expected. */
export function answerText(a: Answer | undefined): string {
  if (!a) return '–';
  if (a.outcome === 'same') return a.errorClass ? `✅ ${a.answer}` : '✅';
  return `${a.outcome === 'different' ? '≠' : '⚠️'} ${a.answer}`;
}
