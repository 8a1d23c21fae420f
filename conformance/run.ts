import knexFactory from 'knex';
import type { Profile, ServerAddress } from '../adapters/contract';
import { type AdapterName, adapterFor } from '../adapters/registry';
import { OwnedTables, tablePrefix } from '../matrix/namespace';
import { canonical } from './canonical';
import type { CaseAnswer, CaseContext, ConformanceCase } from './contract';
import { CONFORMANCE_CASES } from './registry';

/** Judge an answer against a case's reference. */
export function judge(c: Pick<ConformanceCase, 'id' | 'reference'>, answer: string, errorClass?: CaseAnswer['errorClass']): CaseAnswer {
  const base = { id: c.id, answer, reference: c.reference, ...(errorClass ? { errorClass } : {}) };
  if (errorClass) return { ...base, outcome: c.reference === `error:${errorClass}` ? 'same' : 'error' };
  return { ...base, outcome: answer === c.reference ? 'same' : 'different' };
}

/**
 * Put every case to one database, and say which version answered: each on tables of its own, created and dropped here, with a pool of two connections
 * so the isolation cases can play two clients. A case that throws is answered by its error's class, never skipped.
 */
export async function runConformance(profile: Profile, server: ServerAddress, runId: string, cases: ConformanceCase[] = CONFORMANCE_CASES): Promise<{ serverVersion: string; answers: CaseAnswer[] }> {
  const adapter = adapterFor(profile.adapter as AdapterName);
  const config = adapter.knexConfig(server, profile);
  const knex = knexFactory({ ...config, pool: { ...config.pool, min: 0, max: 2 } });
  const answers: CaseAnswer[] = [];
  try {
    const serverVersion = await adapter.serverVersion(knex);
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
        if (leftovers.length) throw new Error(`conformance case ${c.id} could not drop its tables: ${leftovers.join('; ')}`);
      }
    }
    return { serverVersion, answers };
  } finally {
    await knex.destroy();
  }
}
