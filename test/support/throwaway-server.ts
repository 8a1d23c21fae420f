import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A server of our own on its own port and data directory: the only kind a test may stop and start. */
export interface ThrowawayServer {
  /** Connection URL on 127.0.0.1. */
  url: string;
  /** Crash the server (no clean shutdown) and start it again on the same port and data. */
  restart(): Promise<void>;
  /** Stop it and remove its data. */
  stop(): Promise<void>;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** Run a command as another user when we are root (servers refuse to run as root). */
function asUser(user: string, command: string, args: string[]): [string, string[]] {
  return userInfo().uid === 0 ? ['runuser', ['-u', user, '--', command, ...args]] : [command, args];
}

/** Poll until `ready` holds, up to `ms`. */
async function until(ready: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${ms / 1000} s`);
    await sleep(100);
  }
}

/** A PostgreSQL cluster from the installed binaries, in a temporary directory. */
export async function throwawayPostgres(): Promise<ThrowawayServer> {
  const bin = join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort().pop()!, 'bin');
  const dir = mkdtempSync(join(tmpdir(), 'dbmatrix-pg-'));
  const port = await freePort();
  if (userInfo().uid === 0)
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const run = (args: string[]) => {
    const [cmd, argv] = asUser('postgres', join(bin, 'pg_ctl'), args);
    execFileSync(cmd, argv, { stdio: 'ignore' });
  };
  const [initCmd, initArgs] = asUser('postgres', join(bin, 'initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust']);
  execFileSync(initCmd, initArgs, { stdio: 'ignore' });
  const start = () =>
    run(['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart() {
      run(['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      start();
    },
    async stop() {
      try {
        run(['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A MariaDB server from the installed binaries, in a temporary directory. */
export async function throwawayMariadb(): Promise<ThrowawayServer> {
  const dir = mkdtempSync(join(tmpdir(), 'dbmatrix-mariadb-'));
  const data = join(dir, 'data');
  const socket = join(dir, 'sock');
  const port = await freePort();
  if (userInfo().uid === 0) execFileSync('chown', ['mysql:mysql', dir]);
  execFileSync('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--user=mysql', '--auth-root-authentication-method=normal', '--skip-test-db'], {
    stdio: 'ignore',
  });
  let server: ChildProcess | undefined;
  const ping = () => {
    try {
      execFileSync('mariadb-admin', ['--no-defaults', `--socket=${socket}`, '-uroot', 'ping'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  const start = async () => {
    server = spawn(
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${data}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${socket}`,
        '--user=mysql',
        '--innodb-flush-log-at-trx-commit=2',
        '--skip-log-bin',
      ],
      {
        stdio: 'ignore',
      },
    );
    await until(ping, 30_000, 'throwaway MariaDB');
  };
  const crash = async () => {
    const s = server;
    if (!s || s.exitCode !== null) return;
    const exited = new Promise((r) => s.once('exit', r));
    s.kill('SIGKILL');
    await exited;
  };
  await start();
  execFileSync('mariadb', [
    '--no-defaults',
    `--socket=${socket}`,
    '-uroot',
    '-e',
    "CREATE DATABASE test; CREATE USER 'dbm'@'%'; GRANT ALL ON *.* TO 'dbm'@'%';",
  ]);
  return {
    url: `mysql://dbm@127.0.0.1:${port}/test`,
    async restart() {
      await crash();
      await start();
    },
    async stop() {
      try {
        await crash();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A server a test may crash and restart: a container of its own with a fixed host port when the suite's servers come
 * from Testcontainers (the most realistic restart available here), otherwise one started from the installed binaries.
 */
export async function restartableServer(adapter: 'postgres' | 'mysql'): Promise<ThrowawayServer & { kind: string }> {
  if (process.env[`DBMATRIX_${adapter.toUpperCase()}_PROVIDER`] === 'testcontainers') {
    const { startContainer } = await import('../../servers/testcontainers');
    const c = await startContainer(adapter, { hostPort: await freePort() });
    return { kind: `container ${c.image}`, url: c.url, restart: c.restart, stop: c.stop };
  }
  const server = adapter === 'postgres' ? await throwawayPostgres() : await throwawayMariadb();
  return { kind: 'throwaway server from the installed binaries', ...server };
}
