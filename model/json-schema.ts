import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ROOT } from '../packaging/bundle-cache';
import { RESULTS_SCHEMA_VERSION, runResultsSchema } from './results-schema';

/** Where the documented schema of results.json lives; a unit test keeps it equal to what the zod schema generates. */
export const JSON_SCHEMA_FILE = join(ROOT, 'model', 'results.schema.json');

/** results.json's schema as JSON Schema (draft 2020-12), descriptions included. */
export function resultsJsonSchema(): string {
  const schema = z.toJSONSchema(runResultsSchema, { target: 'draft-2020-12' });
  const doc = {
    ...schema,
    $id: `https://dbmatrix.dev/schemas/results-v${RESULTS_SCHEMA_VERSION}.json`,
    title: `dbmatrix results.json, schema version ${RESULTS_SCHEMA_VERSION}`,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

// `npm run schema` regenerates the file after a change to model/results-schema.ts.
if (require.main === module) {
  writeFileSync(JSON_SCHEMA_FILE, resultsJsonSchema());
  process.stdout.write(`wrote ${JSON_SCHEMA_FILE}\n`);
}
