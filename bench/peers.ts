// The servers' own benchmark clients (pgbench, sysbench) over the statements our bench issues, so `npm run bench` can
// show how far the Node driver path is from what a C client reaches against the same server, table and statement.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Generous: a slow or contended machine should give a low figure, not a timeout. */
const TIMEOUT_MS = 10 * 60_000;

/** A constant 64-character payload: both tools bind the same width our rows have, without per-row string building. */
const PAYLOAD = 'peer-'.padEnd(64, 'x');

/** The statement shapes both tools run: the insert and point-select workloads' single statements. */
export type PeerStatement = 'insert' | 'point-select';

/** One peer measurement; the caller owns the table (created, loaded and dropped outside). */
export interface PeerRequest {
  /** Existing table to run against; quoted here per dialect. */
  table: string;
  /** Which statement every transaction issues. */
  statement: PeerStatement;
  /** Rows loaded for point-select (ids 1..rows); ignored for insert. */
  rows: number;
  /** Concurrent connections. */
  clients: number;
  /** Total statements; pgbench rounds up to a whole number per client. */
  ops: number;
  /** postgres:// for pgbench, mysql:// or mariadb:// for sysbench. */
  url: string;
}

/** What a peer tool measured, with enough to rerun it by hand. */
export interface PeerResult {
  /** Tool and version as it reported itself, e.g. 'pgbench 15.20' or 'sysbench 1.0.20'. */
  tool: string;
  /** Statements per second as the tool computed it. */
  opsPerSec: number;
  /** The command line as run, without the password (pgbench reads it from PGPASSWORD, sysbench from MYSQL_PWD), in a directory holding `script` as `scriptName`. */
  command: string;
  /** File name the command refers to. */
  scriptName: string;
  /** Contents of that file, since the temp copy is gone by the time anyone reads the report. */
  script: string;
}

/** pgbench over a custom script, prepared statements; tps is pgbench's own figure excluding connection time. */
export async function pgbench(req: PeerRequest): Promise<PeerResult> {
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

/** sysbench over a Lua script with server-side prepared statements, one statement per event. */
export async function sysbench(req: PeerRequest): Promise<PeerResult> {
  check(req);
  const u = parseUrl(req.url, ['mysql:', 'mariadb:'], 3306, 'root');
  // sysbench would otherwise fall back to its own default schema, 'sbtest', and miss the table.
  if (!u.database) throw new Error(`sysbench needs a database in the URL: ${redact(req.url, u.password)}`);
  const t = `\`${req.table.replace(/`/g, '``')}\``;
  const script = req.statement === 'insert' ? sysbenchInsert(t) : sysbenchPointSelect(t, req.rows);
  const scriptName = `dbmatrix-${req.statement}.lua`;
  const args = [
    scriptName,
    '--db-driver=mysql',
    `--mysql-host=${u.host}`,
    `--mysql-port=${u.port}`,
    `--mysql-user=${u.user}`,
    `--mysql-db=${u.database}`,
    `--threads=${req.clients}`,
    `--events=${req.ops}`,
    '--time=0',
    'run',
  ];
  // No --mysql-password: the client library then reads MYSQL_PWD, so the password is never on a command line `ps` shows.
  const env = u.password ? { ...process.env, MYSQL_PWD: u.password } : process.env;
  const out = await runTool('sysbench', args, scriptName, script, u.password, env);

  // 1.0.20 prints no "events/s (eps)" line: one event is one transaction here, so its per-second figure is eps.
  const events = /total number of events:\s+(\d+)/.exec(out);
  if (!events || Number(events[1]) !== req.ops) throw new Error(`sysbench did not run every event:\n${out.trim()}`);
  const eps = /^\s*transactions:\s+\d+\s+\(([\d.]+) per sec\.\)/m.exec(out);
  const version = /^sysbench (\S+)/m.exec(out);
  if (!eps || !version) throw new Error(`sysbench output not understood:\n${out.trim()}`);
  return { tool: `sysbench ${version[1]}`, opsPerSec: Number(eps[1]), command: shellLine('sysbench', args), scriptName, script };
}

/** One prepared INSERT per event; `n` counts per thread from 1 each run, so (worker_id, seq) is unique within a run. */
function sysbenchInsert(t: string): string {
  return `-- dbmatrix peer: single-row autocommit INSERT, server-side prepared
function thread_init()
   con = sysbench.sql.driver():connect()
   stmt = con:prepare(${lua(`INSERT INTO ${t} (payload, seq, value, worker_id) VALUES (?, ?, 0, ?)`)})
   payload = stmt:bind_create(sysbench.sql.type.VARCHAR, ${PAYLOAD.length})
   seq = stmt:bind_create(sysbench.sql.type.INT)
   worker = stmt:bind_create(sysbench.sql.type.INT)
   stmt:bind_param(payload, seq, worker)
   payload:set(${lua(PAYLOAD)})
   worker:set(sysbench.tid)
   n = 0
end

function event()
   n = n + 1
   seq:set(n)
   stmt:execute()
end

function thread_done()
   stmt:close()
   con:disconnect()
end
`;
}

/** One prepared point SELECT per event; the row count check proves each id was found and its row came back. */
function sysbenchPointSelect(t: string, rows: number): string {
  return `-- dbmatrix peer: point SELECT by primary key, server-side prepared
function thread_init()
   con = sysbench.sql.driver():connect()
   stmt = con:prepare(${lua(`SELECT id, payload FROM ${t} WHERE id = ?`)})
   id = stmt:bind_create(sysbench.sql.type.INT)
   stmt:bind_param(id)
end

function event()
   id:set(sysbench.rand.uniform(1, ${rows}))
   -- execute() runs mysql_stmt_store_result, which reads the whole result set off the wire;
   -- nrows is only known after that. fetch_row() cannot read prepared results in 1.0.20.
   local rs = stmt:execute()
   if rs == nil or rs.nrows ~= 1 then
      error("point select did not return exactly one row")
   end
   rs:free()
end

function thread_done()
   stmt:close()
   con:disconnect()
end
`;
}

/** A Lua double-quoted string literal. */
function lua(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&')}"`;
}

/** Reject requests the tools would misread (pgbench -t 0 means "default", sysbench --events=0 means "unlimited"). */
function check(req: PeerRequest): void {
  for (const k of ['clients', 'ops'] as const) {
    if (!Number.isInteger(req[k]) || req[k] < 1) throw new Error(`peer ${k} must be a positive integer, got ${req[k]}`);
  }
  // A line break would split the script's statement line; nothing legitimate needs one in a table name.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for
  if (!req.table || /[\x00-\x1f]/.test(req.table))
    throw new Error(`peer table name must be non-empty, without control characters: ${JSON.stringify(req.table)}`);
  if (req.statement === 'point-select' && (!Number.isInteger(req.rows) || req.rows < 1)) throw new Error(`peer point-select needs rows ≥ 1, got ${req.rows}`);
}

/** Connection parts from a server URL, decoded, with the driver's usual defaults. */
function parseUrl(url: string, schemes: string[], defaultPort: number, defaultUser: string) {
  const u = new URL(url);
  if (!schemes.includes(u.protocol)) throw new Error(`expected a ${schemes.join(' or ')} URL, got ${u.protocol}`);
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : defaultPort,
    user: decodeURIComponent(u.username) || defaultUser,
    password: decodeURIComponent(u.password) || (u.searchParams.get('password') ?? ''),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
  };
}

/**
 * Run a tool in a fresh temp dir holding its script, so the command line names the script by its bare name.
 * Errors carry the tool's own diagnostics, not execFile's message.
 */
async function runTool(file: string, args: string[], scriptName: string, script: string, password: string, env: NodeJS.ProcessEnv): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dbmatrix-peer-'));
  try {
    await writeFile(join(dir, scriptName), script);
    const { stdout } = await execFileAsync(file, args, { cwd: dir, env, timeout: TIMEOUT_MS, maxBuffer: 16 << 20 });
    return stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: string; stderr?: string; killed?: boolean; signal?: string | null };
    if (e.code === 'ENOENT') throw new Error(`${file} is not installed (not found on PATH)`);
    // sysbench writes its FATAL lines to stdout amid its banner, pgbench its errors to stderr: keep both, banner dropped.
    const lines = (e.stdout ?? '').split('\n').filter((l) => l.trim());
    const flagged = lines.filter((l) => /^(FATAL|ALERT|WARNING|ERROR)\b/.test(l));
    const detail = [e.stderr?.trim(), (flagged.length ? flagged : lines.slice(-12)).join('\n')].filter(Boolean).join('\n');
    const how = e.killed ? `was killed after ${TIMEOUT_MS / 1000}s` : e.signal ? `died on ${e.signal}` : `exited with status ${e.code}`;
    throw new Error(redact(`${file} ${how}:\n${detail}`, password));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Text with a password removed, in both its raw and URL-encoded spellings. */
function redact(text: string, password: string): string {
  if (!password) return text;
  return text.split(password).join('***').split(encodeURIComponent(password)).join('***');
}

/** A copy-pasteable POSIX shell line. */
function shellLine(file: string, args: string[]): string {
  return [file, ...args].map((a) => (/^[\w./=:@%+,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
