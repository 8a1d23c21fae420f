import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import knexFactory from 'knex';
import type { Profile, ServerAddress } from '../../adapters/contract';
import { type AdapterName, adapterFor } from '../../adapters/registry';
import type { SltFileResults } from '../../model/results-schema';
import { UserError } from '../../model/user-error';
import { KnownDifferences } from './known';
import { parseSlt, type SltRecord } from './parse';
import { countedRecords, runSltRecords, type SltFileRun } from './run-file';

/** A script read and parsed, before any database is asked. */
export interface SltScript {
  /** The path as reports show it: relative to the working directory when inside it. */
  file: string;
  /** SHA-256 of its bytes. */
  sha256: string;
  /** Its records. */
  records: SltRecord[];
}

/** One database a run puts the scripts to. */
export interface SltDatabase {
  /** How reports name it: the adapter, or adapter@server. */
  name: string;
  /** Its adapter. */
  adapter: AdapterName;
  /** The profile its connections are made with. */
  profile: Profile;
  /** Where it is; for SQLite, the folder its per-script files go in (the url is a folder path). */
  server: ServerAddress;
}

/** What one database did with every script. */
export interface SltDatabaseRun {
  /** The database. */
  database: SltDatabase;
  /** The version it reported. */
  serverVersion: string;
  /** Per script, in order. */
  files: SltFileRun[];
}

/** Stored failures and disagreements per file and database: enough to read, bounded so results.json stays a file people open. */
const STORED = 1000;

/** A path as a person reads it best: relative to the working directory when inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** Every `.test` file under the paths given (folders searched recursively, in name order), read and parsed. */
export function loadSltScripts(paths: readonly string[]): SltScript[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name.endsWith('.test')) files.push(join(dir, entry.name));
    }
  };
  for (const p of paths) {
    const full = resolve(p);
    let isDir: boolean;
    try {
      isDir = statSync(full).isDirectory();
    } catch {
      throw new UserError(`--slt: '${p}' does not exist; give sqllogictest files or folders of them`);
    }
    if (!isDir) files.push(full);
    else {
      const before = files.length;
      walk(full);
      if (files.length === before) throw new UserError(`--slt: the folder '${p}' holds no .test files`);
    }
  }
  return [...new Set(files)].map((full) => {
    const bytes = readFileSync(full);
    return { file: shown(full), sha256: createHash('sha256').update(bytes).digest('hex'), records: parseSlt(bytes.toString('utf8'), shown(full)) };
  });
}

/** The namespace of one script on one database: its tables are created there and go with it. */
function namespaceOf(runId: string, index: number): string {
  return `dbm_${runId}_slt${index}`;
}

/**
 * Run every script on one database, each in a namespace of its own (a PostgreSQL schema, a MySQL database, an SQLite
 * file) created for it and dropped after it, on one connection with the profile's session settings.
 */
export async function runSltOnDatabase(
  scripts: readonly SltScript[],
  database: SltDatabase,
  runId: string,
  progress: (script: SltScript, done: number, total: number) => void,
  stopped: () => boolean = () => false,
): Promise<SltDatabaseRun> {
  const adapter = adapterFor(database.adapter);
  const namespaces = adapter.testNamespaces;
  const files: SltFileRun[] = [];
  let serverVersion = '';
  for (const [i, script] of scripts.entries()) {
    const name = namespaceOf(runId, i);
    const server: ServerAddress = namespaces.kind === 'file' ? { url: join(database.server.url, `${name}.db`), provider: 'file' } : database.server;
    await namespaces.create(server, database.profile, name);
    try {
      const config = namespaces.knexConfig(server, database.profile, name);
      const knex = knexFactory({ ...config, pool: { ...config.pool, min: 0, max: 1 } });
      try {
        serverVersion ||= await adapter.serverVersion(knex);
        const pool = knex.client as unknown as { acquireConnection(): Promise<unknown>; releaseConnection(c: unknown): Promise<unknown> };
        const connection = await pool.acquireConnection();
        try {
          for (const statement of adapter.sltSession) await adapter.prepared.text(connection, statement);
          const total = countedRecords(script.records).length;
          files.push(
            await runSltRecords(
              script.records,
              adapter.sltEngine,
              (sql) => adapter.prepared.text(connection, sql),
              (done) => progress(script, done, total),
              stopped,
            ),
          );
        } finally {
          await pool.releaseConnection(connection);
        }
      } finally {
        await knex.destroy();
      }
    } finally {
      await namespaces.drop(server, database.profile, name);
    }
  }
  return { database, serverVersion, files };
}

/** The per-file results of a run: each database's counts and failures, and the records on which the databases disagree. */
export function sltResults(scripts: readonly SltScript[], runs: readonly SltDatabaseRun[], known = new KnownDifferences()): SltFileResults[] {
  return scripts.map((script, i) => {
    const counted = countedRecords(script.records);
    const disagreeing: SltFileResults['disagreements']['records'] = [];
    let total = 0;
    for (const [r, record] of counted.entries()) {
      const ran = runs.filter((run) => run.files[i]!.answers[r] !== undefined);
      if (ran.length < 2 || new Set(ran.map((run) => run.files[i]!.answers[r])).size < 2) continue;
      total++;
      if (disagreeing.length < STORED)
        disagreeing.push({ line: record.line, sql: record.sql, answers: Object.fromEntries(ran.map((run) => [run.database.name, run.files[i]!.shown[r]!])) });
    }
    return {
      file: script.file,
      sha256: script.sha256,
      records: counted.length,
      databases: runs.map((run) => {
        const f = run.files[i]!;
        const count = (m: string) => f.marks.filter((x) => x === m).length;
        const engine = adapterFor(run.database.adapter).sltEngine;
        const failures = f.failures.map((x): SltFileResults['databases'][number]['failures'][number] => {
          const cause = known.causeOf(script.file, engine, x.line);
          return cause ? { ...x, known: cause } : x;
        });
        const knownPassing = counted.filter((r, k) => f.marks[k] === 'p' && known.causeOf(script.file, engine, r.line)).map((r) => r.line);
        return {
          database: run.database.name,
          adapter: run.database.adapter,
          profile: run.database.profile.name,
          serverVersion: run.serverVersion,
          engine,
          passed: count('p'),
          failed: count('f'),
          known: failures.filter((x) => x.known).length,
          knownPassing,
          skipped: count('s'),
          durationMs: Math.round(f.durationMs * 10) / 10,
          ...(f.haltedAt !== undefined ? { haltedAt: f.haltedAt } : {}),
          marks: f.marks.join(''),
          failures: failures.slice(0, STORED),
        };
      }),
      disagreements: { total, records: disagreeing },
    };
  });
}
