import { type ConformanceAnswers, databaseName, type RunResults } from '../model/results-schema';

type Answer = ConformanceAnswers['answers'][number];

/** One case across the databases that answered it. */
export interface ConformanceRow {
  /** Case id. */
  id: string;
  /** What the case expects. */
  reference: string;
  /** Each database's answer, by database (adapter, or adapter@server when the run had several servers for it), in the run's order. */
  byAdapter: Partial<Record<string, Answer>>;
  /** Whether the databases answered differently from one another (not from the reference). */
  databasesDiffer: boolean;
}

/** The conformance matrix of a run: a row per case, in case order; empty when the run asked no cases. */
export function conformanceRows(results: Pick<RunResults, 'conformance'>): { adapters: string[]; rows: ConformanceRow[] } {
  const tables = results.conformance ?? [];
  const adapters = tables.map(databaseName);
  const ids = [...new Set(tables.flatMap((t) => t.answers.map((a) => a.id)))];
  const rows = ids.map((id) => {
    const byAdapter: ConformanceRow['byAdapter'] = {};
    for (const t of tables) {
      const a = t.answers.find((x) => x.id === id);
      if (a) byAdapter[databaseName(t)] = a;
    }
    const answers = new Set(Object.values(byAdapter).map((a) => a!.answer.replace(/ \(.*\)$/, '')));
    const reference = Object.values(byAdapter)[0]?.reference ?? '';
    return { id, reference, byAdapter, databasesDiffer: answers.size > 1 };
  });
  return { adapters, rows };
}

/** The marks a conformance cell is judged with: as expected, another value, an error, and a change from the pins. */
export interface AnswerMarks {
  /** The answer is the reference. */
  same: string;
  /** Another value than the reference. */
  different: string;
  /** An error where a value (or another error) was expected. */
  error: string;
  /** The answer is not the one pinned for the server's flavour and version. */
  differsFromPin: string;
}

/** Emoji marks, for GitHub's Markdown, which draws them itself. */
export const EMOJI_MARKS: AnswerMarks = { same: '✅', different: '≠', error: '⚠️', differsFromPin: '❌' };

/** Marks in plain text, for HTML, which a browser without an emoji font (Debian's Chromium) would draw as empty boxes. */
export const TEXT_MARKS: AnswerMarks = { same: 'ok', different: '≠', error: 'error:', differsFromPin: 'CHANGED:' };

/**
 * A cell of the matrix as short text: the same as the reference, another value, or an error where a value (or another
 * error) was expected (judged against the case's reference); then, against the server's pins, nothing when as pinned,
 * 'differs from pin' with the pinned answer, or 'not pinned' (neither pass nor fail).
 */
export function answerText(a: Answer | undefined, marks: AnswerMarks = EMOJI_MARKS): string {
  if (!a) return '–';
  const judged =
    a.outcome === 'same'
      ? a.errorClass
        ? `${marks.same} ${a.answer}`
        : marks.same
      : `${a.outcome === 'different' ? marks.different : marks.error} ${a.answer}`;
  if (a.pin === 'differs from pin') return `${judged} · ${marks.differsFromPin} differs from pin ${a.pinnedAnswer ?? ''}`.trimEnd();
  return a.pin === 'not pinned' ? `${judged} · not pinned` : judged;
}

/** Which server answered and how its answers stand against pins, in one line; just the version for files from before pins. */
export function pinsText(t: ConformanceAnswers, marks: AnswerMarks = EMOJI_MARKS): string {
  if (t.pinned === undefined) return t.serverVersion;
  const who = t.server ? `${t.server.flavour} ${t.server.version}` : 'a flavour this version of dbmatrix does not know';
  if (!t.pinned) return `${t.serverVersion} (${who}): not pinned, its answers are recorded and neither pass nor fail`;
  const differ = t.answers.filter((a) => a.pin === 'differs from pin').length;
  return `${t.serverVersion} (${who}): pinned, ${differ ? `${marks.differsFromPin} ${differ} answer(s) differ from the pins` : 'every answer as pinned'}`;
}

/** Answers that differ from their server's pins: a change of behaviour, by database, in case order. */
export function pinDifferences(results: Pick<RunResults, 'conformance'>): { adapter: string; answer: Answer }[] {
  return (results.conformance ?? []).flatMap((t) =>
    t.answers.filter((a) => a.pin === 'differs from pin').map((answer) => ({ adapter: databaseName(t), answer })),
  );
}
