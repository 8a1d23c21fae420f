import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

/** A TCP proxy on loopback that loses the reply to one COMMIT (or other statement): it commits, the client never hears of it. */
export interface CommitCuttingProxy {
  /** Port the proxy listens on (127.0.0.1). */
  port: number;
  /** COMMITs whose connection was cut after forwarding them. */
  cut(): number;
  /** Stop listening and drop every connection. */
  close(): Promise<void>;
}

/** A statement that is COMMIT, as the drivers send it (PostgreSQL's simple query, MySQL's COM_QUERY): not synchronous_commit. */
export const COMMIT = /\bCOMMIT\b/;

/**
 * Forward every connection to `target`, and cut the one that sends the `nth` COMMIT (or `statement`) right after forwarding it: the
 * server commits, and the client sees its connection die before the reply, so the outcome is unknown to it. Every
 * other COMMIT, before and after, passes untouched.
 */
export async function commitCuttingProxy(target: { host: string; port: number }, nth: number, statement: RegExp = COMMIT): Promise<CommitCuttingProxy> {
  let commits = 0;
  let cuts = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    let cutting = false;
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (chunk) => {
      if (cutting) return;
      upstream.write(chunk);
      if (statement.test(chunk.toString('latin1')) && ++commits === nth) {
        cutting = true;
        // Long enough for the server to commit on a busy machine; its reply is dropped meanwhile.
        setTimeout(() => {
          cuts++;
          client.destroy();
          upstream.destroy();
        }, 300);
      }
    });
    upstream.on('data', (chunk) => {
      if (!cutting) client.write(chunk);
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut: () => cuts,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
