import type { NativePeer, PeerParam, PeerRequest, PeerResult, PeerScriptRequest } from '../contract';
import { check, PAYLOAD, parseUrl, redact, runTool, scriptBranches, shellLine, usedParams } from '../native-peer';

/** sysbench over a Lua script with server-side prepared statements, one statement per event. */
async function sysbench(req: PeerRequest): Promise<PeerResult> {
  check(req);
  const t = `\`${req.table.replace(/`/g, '``')}\``;
  const script = req.statement === 'insert' ? sysbenchInsert(t) : sysbenchPointSelect(t, req.rows);
  return runSysbench(req.url, req.clients, req.ops, `dbmatrix-${req.statement}.lua`, script);
}

/**
 * An SQL-script workload as one sysbench Lua script: a weighted pick among the statements per event, each drawing its
 * parameters with sysbench's generators and sending its SQL as text (sysbench's prepared statements take no `:name`),
 * its parts between BEGIN and COMMIT when several. A sequence counts per thread, thread t of n taking first+t, first+t+n, …
 */
async function sysbenchScript(req: PeerScriptRequest): Promise<PeerResult> {
  const sequences = Object.keys(req.params).filter((p) => 'sequence' in req.params[p]!);
  const branches = scriptBranches(req.statements).map(({ upTo, statement }, i) => {
    const used = usedParams(statement.parts, req.params);
    const draws = used.map(([name, param]) => `      local ${luaName(name)} = ${luaDraw(name, param, req.clients)}`);
    const queries = statement.parts.map((part) => `      con:query(${luaFormat(part, req.params)})`);
    const body = queries.length > 1 ? ['      con:query("BEGIN")', ...queries, '      con:query("COMMIT")'] : queries;
    return [`   ${i === 0 ? 'if' : 'elseif'} pick <= ${upTo} then`, ...draws, ...body].join('\n');
  });
  const total = scriptBranches(req.statements).at(-1)!.upTo;
  const script = `-- dbmatrix ceiling: ${req.statements.map((s) => s.name).join(', ')}
function thread_init()
   con = sysbench.sql.driver():connect()
${sequences.map((n) => `   ${luaName(n)}_n = 0`).join('\n')}
end

function event()
   local pick = sysbench.rand.uniform(1, ${total})
${branches.join('\n')}
   end
end

function thread_done()
   con:disconnect()
end
`;
  const zipfian = Object.values(req.params).some((p) => 'zipfian' in p);
  return runSysbench(req.url, req.clients, req.ops, 'dbmatrix-script.lua', script, zipfian ? ['--rand-type=pareto'] : []);
}

/** A parameter's Lua local: prefixed, so no name of the script's shadows one of Lua's or sysbench's. */
const luaName = (name: string) => `p_${name}`;

/** The Lua expression that draws one parameter. */
function luaDraw(name: string, param: PeerParam, clients: number): string {
  if ('sequence' in param) return `${param.sequence.first} + sysbench.tid + ${clients} * ${luaName(name)}_n; ${luaName(name)}_n = ${luaName(name)}_n + 1`;
  if ('uniform' in param) return `sysbench.rand.uniform(${param.uniform.min}, ${param.uniform.max})`;
  // sysbench 1.0 has no zipfian: its pareto (80 % of draws on 20 % of the range) is the skewed draw it has, through
  // its default generator under --rand-type=pareto.
  if ('zipfian' in param) return `sysbench.rand.default(${param.zipfian.min}, ${param.zipfian.max})`;
  return `sysbench.rand.string(${lua('@'.repeat(param.string.length))})`;
}

/** A string.format call giving the part's SQL with each `:name` replaced by its drawn value (strings quoted: letters only). */
function luaFormat(part: string, params: Record<string, PeerParam>): string {
  const args: string[] = [];
  const format = part.replace(/%/g, '%%').replace(/(?<!:):([A-Za-z_][A-Za-z0-9_]*)\b/g, (whole, name: string) => {
    const param = params[name];
    if (!param) return whole;
    args.push(luaName(name));
    return 'string' in param ? "'%s'" : '%d';
  });
  return `string.format(${[lua(format), ...args].join(', ')})`;
}

/** Run sysbench on one Lua script, `ops` events over `clients` threads; its own transactions per second come back. */
async function runSysbench(url: string, clients: number, ops: number, scriptName: string, script: string, extra: string[] = []): Promise<PeerResult> {
  const u = parseUrl(url, ['mysql:', 'mariadb:'], 3306, 'root');
  // sysbench would otherwise fall back to its own default schema, 'sbtest', and miss the table.
  if (!u.database) throw new Error(`sysbench needs a database in the URL: ${redact(url, u.password)}`);
  const args = [
    scriptName,
    '--db-driver=mysql',
    // The client library takes 'localhost' for its Unix socket and ignores the port: a container's server is on TCP.
    `--mysql-host=${u.host === 'localhost' ? '127.0.0.1' : u.host}`,
    `--mysql-port=${u.port}`,
    `--mysql-user=${u.user}`,
    `--mysql-db=${u.database}`,
    `--threads=${clients}`,
    `--events=${ops}`,
    ...extra,
    '--time=0',
    'run',
  ];
  // No --mysql-password: the client library then reads MYSQL_PWD, so the password is never on a command line `ps` shows.
  const env = u.password ? { ...process.env, MYSQL_PWD: u.password } : process.env;
  const out = await runTool('sysbench', args, scriptName, script, u.password, env);

  // 1.0.20 prints no "events/s (eps)" line: one event is one transaction here, so its per-second figure is eps.
  const events = /total number of events:\s+(\d+)/.exec(out);
  if (!events || Number(events[1]) !== ops) throw new Error(`sysbench did not run every event:\n${out.trim()}`);
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

/** sysbench with its MySQL driver, which MariaDB answers too. */
export const mysqlPeer: NativePeer = { tool: 'sysbench', install: 'Debian: apt-get install sysbench', run: sysbench, runScript: sysbenchScript };
