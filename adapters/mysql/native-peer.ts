import type { NativePeer, PeerRequest, PeerResult } from '../contract';
import { check, PAYLOAD, parseUrl, redact, runTool, shellLine } from '../native-peer';

/** sysbench over a Lua script with server-side prepared statements, one statement per event. */
async function sysbench(req: PeerRequest): Promise<PeerResult> {
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
    // The client library takes 'localhost' for its Unix socket and ignores the port: a container's server is on TCP.
    `--mysql-host=${u.host === 'localhost' ? '127.0.0.1' : u.host}`,
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

/** sysbench with its MySQL driver, which MariaDB answers too. */
export const mysqlPeer: NativePeer = { tool: 'sysbench', install: 'Debian: apt-get install sysbench', run: sysbench };
