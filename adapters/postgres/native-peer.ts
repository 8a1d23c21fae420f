import type { NativePeer, PeerRequest, PeerResult } from '../contract';
import { check, PAYLOAD, parseUrl, runTool, shellLine } from '../native-peer';

/** pgbench over a custom script, prepared statements; tps is pgbench's own figure excluding connection time. */
async function pgbench(req: PeerRequest): Promise<PeerResult> {
  check(req);
  const u = parseUrl(req.url, ['postgres:', 'postgresql:'], 5432, 'postgres');
  const t = `"${req.table.replace(/"/g, '""')}"`;
  const script =
    req.statement === 'insert'
      ? // pgbench has no per-client counter; a random seq in a large range keeps them distinct in practice.
        `\\set seq random(1, 1000000000)\nINSERT INTO ${t} (payload, seq, value, worker_id) VALUES ('${PAYLOAD}', :seq, 0, :client_id);\n`
      : // \gset aborts the run unless exactly one row came back, as sysbench's row check does; p_ keeps :id intact.
        `\\set id random(1, ${req.rows})\nSELECT id, payload FROM ${t} WHERE id = :id \\gset p_\n`;
  const scriptName = `dbmatrix-${req.statement}.sql`;
  const perClient = Math.ceil(req.ops / req.clients);
  const args = [
    '-n',
    '-M',
    'prepared',
    '-c',
    `${req.clients}`,
    '-j',
    `${Math.min(req.clients, 2)}`,
    '-t',
    `${perClient}`,
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
export const postgresPeer: NativePeer = { tool: 'pgbench', install: 'Debian: apt-get install postgresql-client', run: pgbench };
