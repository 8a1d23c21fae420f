import type { Knex } from 'knex';
import type { Adapter, ErrorClass } from '../adapters/contract';

/** What a case gets: two connections to the same database, and a table namespace owned by the run. */
export interface CaseContext {
  /** The adapter's knex, with a pool of at least two connections. */
  knex: Knex;
  /** The adapter under test. */
  adapter: Adapter;
  /** Create a table this run owns and return its name (plain CREATE TABLE: never an existing table). */
  table(suffix: string, build: (t: Knex.CreateTableBuilder) => void): Promise<string>;
}

/** One question put to every database: what it answers is recorded, whatever it is. */
export interface ConformanceCase {
  /** Stable id, `<group>.<name>`: what reports and pinned answers refer to. */
  id: string;
  /** One line on what the case does. */
  title: string;
  /** The answer the SQL standard, or the value written, leads one to expect: a canonical value or `error:<class>`. */
  reference: string;
  /** Ask the database; resolve to what came back (canonicalised by the runner), or throw the driver's error. */
  run(ctx: CaseContext): Promise<unknown>;
}

/** How a database answered a case. */
export type Outcome = 'same' | 'different' | 'error';

/** Which server answered, at the granularity its answers are pinned at. */
export interface ServerIdentity {
  /** The server's flavour, one of its adapter's `flavours`. */
  flavour: string;
  /** Its version, as pinned: PostgreSQL's major (major.minor before 10), MySQL's, MariaDB's and SQLite's major.minor. */
  version: string;
  /** `<flavour>-<version>`: the name of its pins file, adapters/<adapter>/pins/<key>.json. */
  key: string;
}

/** How an answer stands against the answer pinned for the server's flavour and version. */
export const PIN_STATUSES = ['as pinned', 'differs from pin', 'not pinned'] as const;

/** An answer's pin status. */
export type PinStatus = (typeof PIN_STATUSES)[number];

/** One cell of the conformance matrix. */
export interface CaseAnswer {
  /** The case. */
  id: string;
  /** same: as the reference; different: another value (both shown); error: the database raised one where a value was expected, or another class. */
  outcome: Outcome;
  /** What came back, canonical: a JSON value, or `error:<class> (<driver code>)`. */
  answer: string;
  /** The reference it was held against. */
  reference: string;
  /** The error's class in the shared taxonomy, when it raised one. */
  errorClass?: ErrorClass;
  /** Against the pins of the server's flavour and version; absent where nothing held it against pins. */
  pin?: PinStatus;
  /** The pinned answer, when this one differs from it. */
  pinnedAnswer?: string;
}

/** A case, typed as a declaration. */
export function defineCase(c: ConformanceCase): ConformanceCase {
  return c;
}
