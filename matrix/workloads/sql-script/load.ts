import { readFileSync } from 'node:fs';
import { parse, YAMLParseError } from 'yaml';
import { formatIssues, UserError } from '../../../model/user-error';
import type { Workload } from '../contract';
import { parseExpected } from './expected';
import { partsOf, type SqlScript, type SqlText, sqlScriptSchema } from './schema';
import { referencesOf, variantsOf } from './sql-text';
import { sqlScriptWorkload } from './workload';

/** Every name a script's SQL uses must be declared: checked here, so a typo fails before a server is asked. */
function checkReferences(script: SqlScript, fail: (msg: string) => never): void {
  const texts: [string, SqlText][] = [
    ...Object.entries(script.tables).map(([t, sql]): [string, SqlText] => [`tables.${t}`, sql]),
    ...(script.load ? [['load.sql', script.load.sql] as [string, SqlText]] : []),
    ...script.statements.flatMap((s, i) => partsOf(s, i)),
    ...script.verify.map((v, i): [string, SqlText] => [`verify.${i}.sql`, v.sql]),
  ];
  for (const [key, text] of texts) {
    for (const sql of variantsOf(text)) {
      const refs = referencesOf(sql);
      for (const t of refs.tables)
        if (!(t in script.tables)) fail(`${key}: table {{${t}}} is not declared under tables (declared: ${Object.keys(script.tables).join(', ')})`);
      for (const p of refs.params)
        if (!(p in script.params)) fail(`${key}: parameter :${p} is not declared under params (declared: ${Object.keys(script.params).join(', ') || 'none'})`);
      if (key.startsWith('verify') && refs.params.length) fail(`${key}: a check takes no parameters`);
    }
  }
  for (const [t, text] of Object.entries(script.tables)) {
    for (const sql of variantsOf(text)) if (!referencesOf(sql).tables.includes(t)) fail(`tables.${t}: expected a CREATE TABLE {{${t}}} statement`);
  }
  for (const [name, g] of Object.entries(script.params)) {
    if (g.latest && !script.params[g.latest.of]?.sequence) fail(`params.${name}.latest.of: '${g.latest.of}' is not a sequence parameter`);
  }
  const names = script.statements.map((s) => s.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) fail(`statements: the name '${twice}' is used twice`);
  if (names.includes('load')) fail(`statements: 'load' is reserved for the rows of the load section`);
  script.verify.forEach((v, i) => {
    const problem = parseExpected(v.equals, names, script.load !== undefined);
    if (typeof problem === 'string') fail(`verify.${i}.equals: ${problem}`);
  });
}

/** Read, validate and build an SQL-script workload; every problem is one line naming the file and the key. */
export function loadSqlScript(path: string): Workload {
  return sqlScriptWorkload(readSqlScript(path), path) as unknown as Workload;
}

/** Read and validate an SQL-script workload file; every problem is one line naming the file and the key. */
export function readSqlScript(path: string): SqlScript {
  const fail = (msg: string): never => {
    throw new UserError(`workload file ${path}: ${msg}`);
  };
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    if (err instanceof YAMLParseError) fail(`not valid YAML or JSON: ${err.message.split('\n')[0]}`);
    fail(`cannot be read: ${(err as Error).message}`);
  }
  const parsed = sqlScriptSchema.safeParse(raw);
  if (!parsed.success) fail(`invalid: ${formatIssues(parsed.error.issues)}`);
  const script = parsed.data!;
  checkReferences(script, fail);
  return script;
}
