import knexFactory from 'knex';
import { errorCode, errorMessage, redactedUrl, type ServerAddress } from '../adapters/contract';
import { ADAPTERS, type AdapterName, adapterFor } from '../adapters/registry';
import { imageVariable } from '../docker/images';
import { UserError } from '../model/user-error';
import { dockerAnswers, startContainer } from './testcontainers';

/** Servers for a run, and how to give them back. */
export interface ResolvedServers {
  /** Addresses by adapter: one, or several when the run measures several servers of one adapter side by side. */
  servers: Partial<Record<AdapterName, ServerAddress[]>>;
  /** Stop whatever this run started (containers); safe to call twice. */
  release(): Promise<void>;
}

/** Servers given by adapter: one URL or image, or a list of them. */
export type ServerChoices = Partial<Record<AdapterName, string | string[]>>;

/** The first server of each adapter, for callers that refused several up front (resolveServers' oneEach). */
export function firstServers(resolved: ResolvedServers): Partial<Record<AdapterName, ServerAddress>> {
  return Object.fromEntries(Object.entries(resolved.servers).flatMap(([a, list]) => (list?.length ? [[a, list[0]]] : [])));
}

/** A choice as a list: a list as given, a string split at commas (images; a URL is never split), absent as empty. */
function listOf(choice: string | string[] | undefined, split: boolean): string[] {
  if (choice === undefined) return [];
  const items = Array.isArray(choice) ? choice : split ? choice.split(',') : [choice];
  return items.map((x) => x.trim()).filter(Boolean);
}

/**
 * How reports tell an adapter's servers apart: its flavour and the version number it reported ('postgres 17.12',
 * 'mariadb 11.8.9'), or the version string itself when no flavour is known; a second server of the same version gets #2.
 */
export function serverLabels(adapter: AdapterName, versions: string[]): string[] {
  const labels = versions.map((reported) => {
    const flavour = adapterFor(adapter).identify(reported)?.flavour;
    const number = /\d+(?:\.\d+)+/.exec(reported)?.[0];
    return flavour && number ? `${flavour} ${number}` : reported.slice(0, 60);
  });
  return labels.map((label, i) => {
    const same = labels.slice(0, i).filter((l) => l === label).length;
    return same ? `${label} #${same + 1}` : label;
  });
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

/** Connect once with the adapter's default profile and ask its version; a refused or silent server becomes one clear line within seconds. */
export async function probeServer(adapter: AdapterName, server: ServerAddress): Promise<string> {
  const a = adapterFor(adapter);
  const knex = knexFactory(a.knexConfig(server, { ...a.defaultProfiles[0]!, pool: { min: 0, max: 1, idleTimeoutMs: 1000, acquireTimeoutMs: 8000 } }));
  try {
    return await a.serverVersion(knex);
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
 * The servers configured for an adapter, before anything is reached: the URLs given (flags or config), else
 * DBMATRIX_<ADAPTER>_URL; the images given, else DBMATRIX_<ADAPTER>_IMAGE. URLs, when there are any, are the servers;
 * otherwise each image is one (none: the adapter's default image).
 */
export function configuredServers(
  adapter: AdapterName,
  given: ServerChoices,
  env: NodeJS.ProcessEnv,
  images: ServerChoices,
): { urls: string[]; images: string[] } {
  const urls = listOf(given[adapter], false);
  if (urls.length === 0) urls.push(...listOf(env[urlVariable(adapter)], false));
  const chosen = listOf(images[adapter], true);
  if (chosen.length === 0) chosen.push(...listOf(env[imageVariable(adapter)], true));
  return { urls, images: chosen };
}

/**
 * Find the servers of every server adapter: the URLs given (flags or config), then DBMATRIX_<ADAPTER>_URL, then a
 * Testcontainers container for each image given (flags, config, DBMATRIX_<ADAPTER>_IMAGE as a comma-separated list) or
 * the default image, when a Docker engine answers; then (tests only) a well-known local server that answers; otherwise
 * one line saying how to provide one. With oneEach (the command's name), several servers for one adapter are refused
 * before anything starts. An adapter with several servers gets each labelled by the version it reported.
 */
export async function resolveServers(
  adapters: AdapterName[],
  given: ServerChoices,
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = () => {},
  lastResort: Partial<Record<AdapterName, string>> = {},
  images: ServerChoices = {},
  oneEach?: string,
): Promise<ResolvedServers> {
  const servers: Partial<Record<AdapterName, ServerAddress[]>> = {};
  const stops: (() => Promise<void>)[] = [];
  const release = async () => {
    for (const stop of stops.splice(0)) await stop().catch(() => {});
  };
  const wanted = adapters.filter(needsServer).map((adapter) => {
    const { urls, images: chosenImages } = configuredServers(adapter, given, env, images);
    const several = urls.length > 1 || (urls.length === 0 && chosenImages.length > 1);
    if (oneEach && several)
      throw new UserError(`${oneEach} measures one server per adapter, but ${adapter} was given several; give one --${adapter}-url or --${adapter}-image`);
    return { adapter, urls, images: chosenImages };
  });
  try {
    for (const { adapter, urls, images: chosen } of wanted) {
      const found: ServerAddress[] = [];
      if (urls.length) {
        for (const url of urls) found.push({ url: checkServerUrl(adapter, url), provider: 'url' });
      } else if (await dockerAnswers()) {
        for (const image of chosen.length ? chosen : [undefined]) {
          log(`${adapter}: no URL given; starting a container with Testcontainers…`);
          const started = await startContainer(adapter, { image });
          stops.push(started.stop);
          log(
            `${adapter}: container ${started.image} ready in ${(started.startMs / 1000).toFixed(1)} s (Ryuk ${started.ryuk ? 'on' : 'off: its image is not on this machine'})`,
          );
          found.push({ url: started.url, provider: 'testcontainers' });
        }
      } else if (lastResort[adapter] && (await answers(adapter, lastResort[adapter]!))) {
        log(`${adapter}: no URL and no Docker engine; using the server that answers at ${redactedUrl(lastResort[adapter]!)}`);
        found.push({ url: lastResort[adapter]!, provider: 'url' });
      } else {
        const scheme = adapterFor(adapter).urlSchemes[0];
        throw new UserError(
          `no ${adapter} server: set ${urlVariable(adapter)}=${scheme}//user:password@host:port/database or pass --${adapter}-url, or start a Docker engine so Testcontainers can run one`,
        );
      }
      const versions: string[] = [];
      for (const server of found) versions.push(await probeServer(adapter, server));
      if (found.length > 1) {
        const labels = serverLabels(adapter, versions);
        found.forEach((server, i) => {
          server.label = labels[i];
          log(`${adapter}: server ${i + 1} of ${found.length} is ${labels[i]}`);
        });
      }
      servers[adapter] = found;
    }
  } catch (err) {
    await release();
    throw err;
  }
  return { servers, release };
}
