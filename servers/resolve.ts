import { createRequire } from 'node:module';
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

/**
 * Check that knex can load the adapter's driver, which the user installs beside it (a peer dependency: their version,
 * only the ones they use); a missing one is one line naming the package, before anything starts.
 */
export function checkDriver(adapter: AdapterName): void {
  const driver = adapterFor(adapter).client;
  try {
    createRequire(require.resolve('knex')).resolve(driver);
  } catch {
    throw new UserError(`the ${adapter} adapter needs the ${driver} package, which is not installed; install it beside knex: npm install ${driver}`);
  }
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

/** Check a user-given URL (`from`: where it was given, for the message): it parses, its scheme fits the adapter, it names a host. */
export function checkServerUrl(adapter: AdapterName, url: string, from = urlVariable(adapter)): string {
  const schemes = adapterFor(adapter).urlSchemes;
  const example = `${schemes[0]}//user:password@127.0.0.1:${adapterFor(adapter).server?.defaultPort ?? ''}/test`;
  const refuse = (problem: string) => new UserError(`${problem}; fix ${from} to a URL such as ${example}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refuse(`malformed ${adapter} URL '${redactedUrl(url)}'`);
  }
  if (!schemes.includes(parsed.protocol)) throw refuse(`${adapter} URL '${redactedUrl(url)}' has scheme '${parsed.protocol}', not ${schemes.join(' or ')}`);
  if (!parsed.hostname) throw refuse(`${adapter} URL '${redactedUrl(url)}' names no host`);
  if (parsed.port && !(Number(parsed.port) > 0 && Number(parsed.port) < 65536)) throw refuse(`${adapter} URL '${redactedUrl(url)}' has an invalid port`);
  return url;
}

/**
 * Connect once with the adapter's default profile and ask its version; a refused or silent server becomes one clear line
 * within seconds, naming `from`, where its URL was given.
 */
export async function probeServer(adapter: AdapterName, server: ServerAddress, from = urlVariable(adapter)): Promise<string> {
  const a = adapterFor(adapter);
  const knex = knexFactory(a.knexConfig(server, { ...a.defaultProfiles[0]!, pool: { min: 0, max: 1, idleTimeoutMs: 1000, acquireTimeoutMs: 8000 } }));
  try {
    return await a.serverVersion(knex);
  } catch (err) {
    const code = errorCode(err);
    const why = code && !errorMessage(err).includes(code) ? `${code}: ${errorMessage(err)}` : errorMessage(err);
    throw new UserError(`cannot reach ${adapter} at ${redactedUrl(server.url)} (${why.split('\n')[0]}); start the server or fix ${from}`);
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

/** A server given by a user: a URL or an image, and where it was given, for messages. */
export interface GivenServer {
  /** The URL or the image. */
  value: string;
  /** Where it was given: '--postgres-url', 'DBMATRIX_POSTGRES_IMAGE', "the config file's servers.postgres" … */
  from: string;
}

/** Where servers may be given, strongest first: each source is read only when the ones before it gave the adapter none. */
export interface ServerSources {
  /** URLs given on the command line (--<adapter>-url) or to the API, by adapter. */
  urls?: ServerChoices;
  /** Images given on the command line (--<adapter>-image) or to the API. */
  images?: ServerChoices;
  /** The environment, for DBMATRIX_<ADAPTER>_URL and DBMATRIX_<ADAPTER>_IMAGE (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The config file's `servers` and `images`. */
  config?: { servers?: ServerChoices; images?: ServerChoices };
}

/**
 * The servers given for an adapter, before anything is reached. The command line (or API) wins, then the environment,
 * then the config file, as for every value; within one source URLs win over images. Either URLs (the servers) or
 * images (a container each) or neither (the adapter's default image) come back.
 */
export function configuredServers(adapter: AdapterName, sources: ServerSources): { urls: GivenServer[]; images: GivenServer[] } {
  const env = sources.env ?? process.env;
  const levels: [string | string[] | undefined, string, string | string[] | undefined, string][] = [
    [sources.urls?.[adapter], `--${adapter}-url`, sources.images?.[adapter], `--${adapter}-image`],
    [env[urlVariable(adapter)], urlVariable(adapter), env[imageVariable(adapter)], imageVariable(adapter)],
    [sources.config?.servers?.[adapter], `the config file's servers.${adapter}`, sources.config?.images?.[adapter], `the config file's images.${adapter}`],
  ];
  for (const [urls, urlsFrom, images, imagesFrom] of levels) {
    const u = listOf(urls, false).map((value) => ({ value, from: urlsFrom }));
    if (u.length) return { urls: u, images: [] };
    const i = listOf(images, true).map((value) => ({ value, from: imagesFrom }));
    if (i.length) return { urls: [], images: i };
  }
  return { urls: [], images: [] };
}

/** Whether this runs under CI: CI set to anything but empty, 0 or false, as GitHub Actions and most runners set it. */
export function underCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.CI) && env.CI !== '0' && env.CI !== 'false';
}

/** What resolveServers is asked: the servers given, where from, and how to report. */
export interface ServerRequest extends ServerSources {
  /** Lines for the user (a container starting, each server's label). */
  log?: (line: string) => void;
  /** Tests only: a well-known local server to use when no URL is given and no Docker engine answers. */
  lastResort?: Partial<Record<AdapterName, string>>;
  /** The command's name when it measures one server per adapter: several for one adapter are refused before anything starts. */
  oneEach?: string;
}

/**
 * Find the servers of every server adapter: the URLs given (ServerSources says which source counts), else a
 * Testcontainers container for each image given or the default image, when a Docker engine answers; then (tests only)
 * a well-known local server that answers; otherwise one line saying how to provide one. An adapter with several
 * servers gets each labelled by the version it reported.
 */
export async function resolveServers(adapters: AdapterName[], request: ServerRequest = {}): Promise<ResolvedServers> {
  const { log = () => {}, lastResort = {}, oneEach } = request;
  for (const adapter of adapters) checkDriver(adapter);
  const servers: Partial<Record<AdapterName, ServerAddress[]>> = {};
  const stops: (() => Promise<void>)[] = [];
  const release = async () => {
    for (const stop of stops.splice(0)) await stop().catch(() => {});
  };
  const wanted = adapters.filter(needsServer).map((adapter) => {
    const { urls, images } = configuredServers(adapter, request);
    if (oneEach && (urls.length > 1 || images.length > 1))
      throw new UserError(`${oneEach} measures one server per adapter, but ${adapter} was given several in ${(urls[0] ?? images[0])!.from}; give one`);
    return { adapter, urls, images };
  });
  try {
    for (const { adapter, urls, images } of wanted) {
      const found: ServerAddress[] = [];
      const from: string[] = [];
      if (urls.length) {
        for (const url of urls) {
          found.push({ url: checkServerUrl(adapter, url.value, url.from), provider: 'url' });
          from.push(url.from);
        }
      } else if (await dockerAnswers()) {
        for (const image of images.length ? images.map((i) => i.value) : [undefined]) {
          log(`${adapter}: no URL given; starting a container with Testcontainers…`);
          const started = await startContainer(adapter, { image });
          stops.push(started.stop);
          log(
            `${adapter}: container ${started.image} ready in ${(started.startMs / 1000).toFixed(1)} s (Ryuk ${started.ryuk ? 'on' : 'off: its image is not on this machine'})`,
          );
          found.push({ url: started.url, provider: 'testcontainers' });
          from.push(`the container of ${started.image}`);
        }
      } else if (lastResort[adapter] && (await answers(adapter, lastResort[adapter]!))) {
        log(`${adapter}: no URL and no Docker engine; using the server that answers at ${redactedUrl(lastResort[adapter]!)}`);
        found.push({ url: lastResort[adapter]!, provider: 'url' });
        from.push(urlVariable(adapter));
      } else {
        const scheme = adapterFor(adapter).urlSchemes[0];
        throw new UserError(
          `no ${adapter} server: set ${urlVariable(adapter)}=${scheme}//user:password@host:port/database or pass --${adapter}-url, or start a Docker engine so Testcontainers can run one`,
        );
      }
      const versions: string[] = [];
      for (const [i, server] of found.entries()) versions.push(await probeServer(adapter, server, from[i]));
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
