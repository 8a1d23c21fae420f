import knexFactory from 'knex';
import { errorCode, errorMessage, redactedUrl, type ServerAddress } from '../adapters/contract';
import { ADAPTERS, type AdapterName, adapterFor } from '../adapters/registry';
import { UserError } from '../model/user-error';
import { dockerAnswers, startContainer } from './testcontainers';

/** Servers for a run, and how to give them back. */
export interface ResolvedServers {
  /** Address by adapter. */
  servers: Partial<Record<AdapterName, ServerAddress>>;
  /** Stop whatever this run started (containers); safe to call twice. */
  release(): Promise<void>;
}

/** The environment variable that carries an adapter's URL. */
export function urlVariable(adapter: AdapterName): string {
  return `DBMATRIX_${adapter.toUpperCase()}_URL`;
}

/** Whether an adapter needs a server (SQLite does not). */
export function needsServer(adapter: AdapterName): boolean {
  return ADAPTERS[adapter].urlSchemes.length > 0;
}

/** Check a user-given URL: it parses, its scheme fits the adapter, it names a host. */
export function checkServerUrl(adapter: AdapterName, url: string): string {
  const schemes = adapterFor(adapter).urlSchemes;
  const example = `${schemes[0]}//user:password@127.0.0.1:${adapterFor(adapter).server?.defaultPort ?? ''}/test`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`malformed ${adapter} URL '${redactedUrl(url)}'; expected ${example}`);
  }
  if (!schemes.includes(parsed.protocol)) {
    throw new UserError(`${adapter} URL '${redactedUrl(url)}' has scheme '${parsed.protocol}'; expected ${schemes.join(' or ')} as in ${example}`);
  }
  if (!parsed.hostname) throw new UserError(`${adapter} URL '${redactedUrl(url)}' names no host; expected ${example}`);
  if (parsed.port && !(Number(parsed.port) > 0 && Number(parsed.port) < 65536)) {
    throw new UserError(`${adapter} URL '${redactedUrl(url)}' has an invalid port; expected ${example}`);
  }
  return url;
}

/** Connect once with the adapter's default profile; a refused or silent server becomes one clear line within seconds. */
export async function probeServer(adapter: AdapterName, server: ServerAddress): Promise<void> {
  const a = adapterFor(adapter);
  const knex = knexFactory(a.knexConfig(server, { ...a.defaultProfiles[0]!, pool: { min: 0, max: 1, idleTimeoutMs: 1000, acquireTimeoutMs: 8000 } }));
  try {
    await knex.raw('select 1');
  } catch (err) {
    const code = errorCode(err);
    const why = code && !errorMessage(err).includes(code) ? `${code}: ${errorMessage(err)}` : errorMessage(err);
    throw new UserError(`cannot reach ${adapter} at ${redactedUrl(server.url)} (${why.split('\n')[0]}); start the server or fix ${urlVariable(adapter)}`);
  } finally {
    await knex.destroy();
  }
}

/** Whether a server answers at a URL (no error: false). */
async function answers(adapter: AdapterName, url: string): Promise<boolean> {
  return probeServer(adapter, { url, provider: 'url' }).then(
    () => true,
    () => false,
  );
}

/**
 * Find a server for every server adapter: the URL given (flag or config), then DBMATRIX_<ADAPTER>_URL,
 * then a Testcontainers container when a Docker engine answers, then (tests only) a well-known local server that answers;
 * otherwise one line saying how to provide one.
 */
export async function resolveServers(
  adapters: AdapterName[],
  given: Partial<Record<AdapterName, string>>,
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = () => {},
  lastResort: Partial<Record<AdapterName, string>> = {},
  images: Partial<Record<AdapterName, string>> = {},
): Promise<ResolvedServers> {
  const servers: Partial<Record<AdapterName, ServerAddress>> = {};
  const stops: (() => Promise<void>)[] = [];
  const release = async () => {
    for (const stop of stops.splice(0)) await stop().catch(() => {});
  };
  try {
    for (const adapter of adapters.filter(needsServer)) {
      const url = given[adapter] ?? env[urlVariable(adapter)];
      if (url) {
        servers[adapter] = { url: checkServerUrl(adapter, url), provider: 'url' };
      } else if (await dockerAnswers()) {
        log(`${adapter}: no URL given; starting a container with Testcontainers…`);
        const started = await startContainer(adapter, { image: images[adapter] });
        stops.push(started.stop);
        log(
          `${adapter}: container ${started.image} ready in ${(started.startMs / 1000).toFixed(1)} s (Ryuk ${started.ryuk ? 'on' : 'off: its image is not on this machine'})`,
        );
        servers[adapter] = { url: started.url, provider: 'testcontainers' };
      } else if (lastResort[adapter] && (await answers(adapter, lastResort[adapter]!))) {
        log(`${adapter}: no URL and no Docker engine; using the server that answers at ${redactedUrl(lastResort[adapter]!)}`);
        servers[adapter] = { url: lastResort[adapter]!, provider: 'url' };
      } else {
        const scheme = adapterFor(adapter).urlSchemes[0];
        throw new UserError(
          `no ${adapter} server: set ${urlVariable(adapter)}=${scheme}//user:password@host:port/database or pass --${adapter}-url, or start a Docker engine so Testcontainers can run one`,
        );
      }
      await probeServer(adapter, servers[adapter]!);
    }
  } catch (err) {
    await release();
    throw err;
  }
  return { servers, release };
}
