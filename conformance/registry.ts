import { NUMBER_CASES } from './cases/numbers';
import { QUERY_CASES } from './cases/queries';
import { TEXT_CASES } from './cases/text';
import { TIME_JSON_BINARY_CASES } from './cases/time-json-binary';
import { ERROR_CASES, TRANSACTION_CASES } from './cases/transactions';
import type { ConformanceCase } from './contract';

/** Every conformance case, in report order. Adding one is a defineCase in the file of its group. */
export const CONFORMANCE_CASES: ConformanceCase[] = [
  ...TEXT_CASES,
  ...NUMBER_CASES,
  ...TIME_JSON_BINARY_CASES,
  ...QUERY_CASES,
  ...TRANSACTION_CASES,
  ...ERROR_CASES,
];
