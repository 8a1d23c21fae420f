import type { NativePeer, PeerParam, PeerRequest, PeerResult, PeerScriptRequest } from '../contract';
import { check, PAYLOAD, parseUrl, runTool, scriptBranches, shellLine, usedParams } from '../native-peer';

/** pgbench over a custom script, prepared statements; tps is pgbench's own figure excluding connection time. */
async function pgbench(req: PeerRequest): Promise<PeerResult> {
  check(req);
  const t = `"${req.table.replace(/"/g, '""')}"`;
  const script =
    req.statement === 'insert'
      ? // pgbench has no per-client counter; a random seq in a large range keeps them distinct in practice.
        `\\set seq random(1, 1000000000)\nINSERT INTO ${t} (payload, seq, value, worker_id) VALUES ('${PAYLOAD}', :seq, 0, :client_id);\n`
      : // \gset aborts the run unless exactly one row came back, as sysbench's row check does; p_ keeps :id intact.
        `\\set id random(1, ${req.rows})\nSELECT id, payload FROM ${t} WHERE id = :id \\gset p_\n`;
  return runPgbench(req.url, req.clients, req.ops, `dbmatrix-${req.statement}.sql`, script, []);
}

/**
 * An SQL-script workload as one pgbench script: a weighted pick among the statements with \if, each drawing its
 * parameters with \set (pgbench's own :name syntax is the script's), its parts between BEGIN and END when several.
 * A sequence counts per client in a variable -D starts at 0, which pgbench keeps from one transaction to the next.
 */
async function pgbenchScript(req: PeerScriptRequest): Promise<PeerResult> {
  const counters = Object.keys(req.params).filter((p) => 'sequence' in req.params[p]!);
  const branches = scriptBranches(req.statements).map(({ upTo, statement }, i) => {
    const draws = usedParams(statement.parts, req.params).flatMap(([name, param]) => draw(name, param, req.clients));
    const strings = Object.entries(req.params).filter(([, p]) => 'string' in p) as [string, { string: { length: number } }][];
    // pgbench draws numbers only: a string parameter becomes an SQL expression in place.
    const sql = statement.parts.map((part) =>
      strings.reduce((text, [name, p]) => text.replace(new RegExp(`(?<!:):${name}\\b`, 'g'), randomText(p.string.length)), part),
    );
    const body = sql.length > 1 ? ['BEGIN;', ...sql.map((s) => `${s.trim().replace(/;$/, '')};`), 'END;'] : [`${sql[0]!.trim().replace(/;$/, '')};`];
    return [`${i === 0 ? '\\if' : '\\elif'} :dbmx_pick <= ${upTo}`, ...draws, ...body].join('\n');
  });
  const total = scriptBranches(req.statements).at(-1)!.upTo;
  const script = [
    `-- dbmatrix ceiling: ${req.statements.map((s) => s.name).join(', ')}`,
    `\\set dbmx_pick random(1, ${total})`,
    ...branches,
    '\\endif',
    '',
  ].join('\n');
  return runPgbench(
    req.url,
    req.clients,
    req.ops,
    'dbmatrix-script.sql',
    script,
    counters.flatMap((c) => ['-D', `dbmx_${c}_n=0`]),
  );
}

/** The \set lines that draw one parameter. */
function draw(name: string, param: PeerParam, clients: number): string[] {
  if ('sequence' in param)
    return [`\\set ${name} ${param.sequence.first} + :client_id + :dbmx_${name}_n * ${clients}`, `\\set dbmx_${name}_n :dbmx_${name}_n + 1`];
  if ('uniform' in param) return [`\\set ${name} random(${param.uniform.min}, ${param.uniform.max})`];
  // pgbench's zipfian takes an exponent above 1; the workload's YCSB θ is 0.99, so 1.01 is the nearest it allows.
  if ('zipfian' in param) return [`\\set ${name} random_zipfian(${param.zipfian.min}, ${param.zipfian.max}, 1.01)`];
  return [];
}

/** SQL for a random text of `length` letters and digits: md5 hex digits, as many as asked. */
function randomText(length: number): string {
  return `substr(repeat(md5(random()::text), ${Math.ceil(length / 32)}), 1, ${length})`;
}

/** Run pgbench on one script file with prepared statements, every client its share of `ops`; its own tps comes back. */
async function runPgbench(url: string, clients: number, ops: number, scriptName: string, script: string, extra: string[]): Promise<PeerResult> {
  const u = parseUrl(url, ['postgres:', 'postgresql:'], 5432, 'postgres');
  const perClient = Math.ceil(ops / clients);
  const args = [
    '-n',
    '-M',
    'prepared',
    '-c',
    `${clients}`,
    '-j',
    `${Math.min(clients, 2)}`,
    '-t',
    `${perClient}`,
    ...extra,
    '-f',
    scriptName,
    '-h',
    u.host,
    '-p',
    `${u.port}`,
    '-U',
    u.user,
  ];
  if (u.database) args.push(u.database);
  // The password goes through the environment, so it is never on a command line another user's `ps` could see.
  const env = u.password ? { ...process.env, PGPASSWORD: u.password } : process.env;
  const out = await runTool('pgbench', args, scriptName, script, u.password, env);

  const processed = /number of transactions actually processed: (\d+)\/(\d+)/.exec(out);
  if (!processed || processed[1] !== processed[2]) throw new Error(`pgbench did not complete every transaction:\n${out.trim()}`);
  const failed = /number of failed transactions: (\d+)/.exec(out);
  if (failed && failed[1] !== '0') throw new Error(`pgbench reported failed transactions:\n${out.trim()}`);
  const tps = /^tps = ([\d.]+) \(without initial connection time\)/m.exec(out);
  const version = /^pgbench \((\d+(?:\.\d+)*)/m.exec(out);
  if (!tps || !version) throw new Error(`pgbench output not understood:\n${out.trim()}`);
  return { tool: `pgbench ${version[1]}`, opsPerSec: Number(tps[1]), command: shellLine('pgbench', args), scriptName, script };
}

/** pgbench, PostgreSQL's own benchmark client. */
export const postgresPeer: NativePeer = { tool: 'pgbench', install: 'Debian: apt-get install postgresql-client', run: pgbench, runScript: pgbenchScript };
