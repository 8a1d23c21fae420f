import knexFactory from 'knex';
import type { Profile, ServerAddress } from '../adapters/contract';
import { type AdapterName, adapterFor } from '../adapters/registry';
import { OwnedTables, tablePrefix } from '../matrix/namespace';
import { canonical } from './canonical';
import type { CaseAnswer, CaseContext, ConformanceCase, ServerIdentity } from './contract';
import { serverIdentity, UnrecognisedServerError } from './identity';
import { applyPins, readPins } from './pins';
import { CONFORMANCE_CASES } from './registry';

/** One database's answers to the cases, and which server gave them. */
export interface ConformanceRun {
  /** The version string the server reported. */
  serverVersion: string;
  /** Its flavour and pinned version; absent when the version string names no server this project can pin. */
  server?: ServerIdentity;
  /** Whether pins for that flavour and version, measured with this profile, exist. */
  pinned: boolean;
  /** Every case's answer, judged against its reference and held against the pins. */
  answers: CaseAnswer[];
}

/** Judge an answer against a case's reference. */
export function judge(c: Pick<ConformanceCase, 'id' | 'reference'>, answer: string, errorClass?: CaseAnswer['errorClass']): CaseAnswer {
  const base = { id: c.id, answer, reference: c.reference, ...(errorClass ? { errorClass } : {}) };
  if (errorClass) return { ...base, outcome: c.reference === `error:${errorClass}` ? 'same' : 'error' };
  return { ...base, outcome: answer === c.reference ? 'same' : 'different' };
}

/**
 * Put every case to one database, and say which version answered: each on tables of its own, created and dropped here, with a pool of two connections
 * so the isolation cases can play two clients. A case that throws is answered by its error's class, never skipped. Each answer is held against
 * the pins of the server's flavour and version (adapters/<adapter>/pins, or DBMATRIX_CONFORMANCE_PINS), when they were measured with the same profile.
 */
export async function runConformance(
  profile: Profile,
  server: ServerAddress,
  runId: string,
  cases: ConformanceCase[] = CONFORMANCE_CASES,
): Promise<ConformanceRun> {
  const adapterName = profile.adapter as AdapterName;
  const adapter = adapterFor(adapterName);
  const config = adapter.knexConfig(server, profile);
  const knex = knexFactory({ ...config, pool: { ...config.pool, min: 0, max: 2 } });
  const answers: CaseAnswer[] = [];
  try {
    const serverVersion = await adapter.serverVersion(knex);
    const identity = identify(adapterName, serverVersion);
    // Read before asking: a pins file that does not parse stops here, not after every case ran.
    const found = identity && readPins(identity);
    const pins = found && found.profile === profile.name ? found : undefined;
    for (const [i, c] of cases.entries()) {
      const owned = new OwnedTables(`${tablePrefix(runId)}c${i}_`);
      const ctx: CaseContext = {
        knex,
        adapter,
        table: async (suffix, build) => {
          const name = owned.name(suffix);
          await owned.create(knex, name, build);
          return name;
        },
      };
      try {
        answers.push(judge(c, canonical(await c.run(ctx))));
      } catch (err) {
        const classified = adapter.classify(err);
        answers.push(judge(c, `error:${classified.errorClass}${classified.code ? ` (${classified.code})` : ''}`, classified.errorClass));
      } finally {
        const leftovers = await owned.dropAll(knex);
        // biome-ignore lint/correctness/noUnsafeFinally: a table the run could not drop outweighs the case's own outcome
        if (leftovers.length) throw new Error(`conformance case ${c.id} could not drop its tables: ${leftovers.join('; ')}`);
      }
    }
    return { serverVersion, ...(identity ? { server: identity } : {}), pinned: pins !== undefined, answers: applyPins(answers, pins) };
  } finally {
    await knex.destroy();
  }
}

/** The server's identity, or undefined for a version string no flavour matches (its answers are then simply not pinned). */
function identify(adapter: AdapterName, serverVersion: string): ServerIdentity | undefined {
  try {
    return serverIdentity(adapter, serverVersion);
  } catch (err) {
    if (err instanceof UnrecognisedServerError) return undefined;
    throw err;
  }
}
