/** One term of an expected value: a constant, the loaded rows, or a statement's acknowledged executions. */
export interface ExpectedTerm {
  /** +1 or -1. */
  sign: 1 | -1;
  /** 'load', a statement name, or null for a constant. */
  name: string | null;
  /** The constant (0 for a named term). */
  value: number;
}

/**
 * Parse `equals`: a number, or a sum like `load + insert - delete` over the loaded rows and statements' acknowledged
 * executions. Returns the terms, or what is wrong with the text.
 */
export function parseExpected(equals: number | string, statements: string[], hasLoad: boolean): ExpectedTerm[] | string {
  if (typeof equals === 'number') return [{ sign: 1, name: null, value: equals }];
  const text = equals.trim();
  if (!/^[+-]?\s*[A-Za-z0-9_]+(\s*[+-]\s*[A-Za-z0-9_]+)*$/.test(text)) return `'${equals}' is not a sum like 'load + insert - delete'`;
  const terms: ExpectedTerm[] = [];
  for (const m of text.matchAll(/([+-]?)\s*([A-Za-z0-9_]+)/g)) {
    const sign = m[1] === '-' ? -1 : 1;
    const word = m[2]!;
    if (/^\d+$/.test(word)) terms.push({ sign, name: null, value: Number(word) });
    else if (word === 'load' ? hasLoad : statements.includes(word)) terms.push({ sign, name: word, value: 0 });
    else return `'${word}' is neither a statement (${statements.join(', ')})${hasLoad ? ' nor load' : ''} nor a number`;
  }
  return terms;
}

/** Acknowledged and in-doubt executions of one statement, summed over workers. */
export interface StatementCount {
  /** Executions the database acknowledged. */
  ok: number;
  /** Executions whose connection died mid-way: committed or not. */
  ambiguous: number;
}

/** The range an expected value may take: executions in doubt may or may not have counted. */
export function expectedRange(terms: ExpectedTerm[], loadRows: number, counts: Record<string, StatementCount>): [number, number] {
  let low = 0;
  let high = 0;
  for (const t of terms) {
    const ok = t.name === null ? t.value : t.name === 'load' ? loadRows : (counts[t.name]?.ok ?? 0);
    const doubt = t.name === null || t.name === 'load' ? 0 : (counts[t.name]?.ambiguous ?? 0);
    if (t.sign > 0) {
      low += ok;
      high += ok + doubt;
    } else {
      low -= ok + doubt;
      high -= ok;
    }
  }
  return [low, high];
}
