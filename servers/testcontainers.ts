import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ContainerRuntimeClient } from 'testcontainers';
import { errorMessage, type RunningContainer } from '../adapters/contract';
import { type AdapterName, adapterFor, SERVER_ADAPTERS } from '../adapters/registry';
import { imageCandidates, imageVariable } from '../docker/images';
import { UserError } from '../model/user-error';

/** A server started in a container for this run. */
export interface StartedServer extends RunningContainer {
  /** The image it runs. */
  image: string;
  /** Milliseconds from start request to ready. */
  startMs: number;
  /** Whether Ryuk watches the container as well as this process. */
  ryuk: boolean;
}

/** Options for one container. */
export interface ContainerOptions {
  /** Image instead of the configured one. */
  image?: string;
  /** Publish the server on this host port instead of a random one, so the URL survives a restart. */
  hostPort?: number;
}

/** Labels on every container dbmatrix starts: which process owns it, so leftovers of a killed run can be removed. */
const OWNER_PID = 'org.dbmatrix.pid';
const OWNER_HOST = 'org.dbmatrix.host';

/** What to install for the Testcontainers path: optional peers, since a user who gives URLs needs none of them. */
const INSTALL_CONTAINERS = `install it to start servers in containers (npm install --save-dev testcontainers ${SERVER_ADAPTERS.map((a) => adapterFor(a).server!.containerPackage).join(' ')}), or give server URLs`;

/** Whether an import failed because the package is not installed (rather than failing inside it). */
function isMissingModule(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
}

/** Seconds a container may take to become ready. */
const STARTUP_TIMEOUT_MS = 90_000;

/** Whether a Docker engine may be there, as far as can be told without asking it: off under DBMATRIX_DOCKER=off, else a DOCKER_HOST or the default socket. */
export function dockerMayAnswer(env: NodeJS.ProcessEnv = process.env): boolean {
  // DBMATRIX_DOCKER=off: never start containers, even where an engine answers.
  if (env.DBMATRIX_DOCKER === 'off') return false;
  return Boolean(env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

/** The runtime client, when a Docker engine answers within the time given; undefined when there is none. */
async function runtime(timeoutMs = 5000): Promise<ContainerRuntimeClient | undefined> {
  if (!dockerMayAnswer()) return undefined;
  let testcontainers: typeof import('testcontainers');
  try {
    testcontainers = await import('testcontainers');
  } catch (err) {
    // An engine answers and the package is missing: say what to install rather than that there is no engine.
    if (isMissingModule(err)) throw new UserError(`a Docker engine is there, but the testcontainers package is not installed; ${INSTALL_CONTAINERS}`);
    throw err;
  }
  try {
    const { getContainerRuntimeClient } = testcontainers;
    const probe = getContainerRuntimeClient().then(async (client) => ((await client.info) ? client : undefined));
    const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs).unref());
    return await Promise.race([probe, timeout]);
  } catch {
    return undefined;
  }
}

/** Whether a Docker engine answers, within a few seconds; false rather than an error when there is none. */
export async function dockerAnswers(timeoutMs = 5000): Promise<boolean> {
  return (await runtime(timeoutMs)) !== undefined;
}

/** Whether a process of this host is alive. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove containers left by dbmatrix processes of this host that no longer exist (a SIGKILLed run, a crashed Jest). */
export async function removeOrphans(client: ContainerRuntimeClient): Promise<number> {
  let removed = 0;
  for (const info of await client.container.list()) {
    const pid = Number(info.Labels?.[OWNER_PID]);
    if (!pid || info.Labels?.[OWNER_HOST] !== hostname() || alive(pid)) continue;
    await client.container.remove(client.container.getById(info.Id), { removeVolumes: true }).catch(() => {});
    removed++;
  }
  return removed;
}

/**
 * Use Ryuk (the reaper that removes containers when their owner dies) when its image is on this machine;
 * turn it off otherwise, since a registry may be out of reach. Our own labels and removeOrphans() cover that case.
 */
async function decideRyuk(client: ContainerRuntimeClient): Promise<boolean> {
  if (process.env.TESTCONTAINERS_RYUK_DISABLED !== undefined) return process.env.TESTCONTAINERS_RYUK_DISABLED !== 'true';
  const { ImageName } = await import('testcontainers');
  const ryukImage = process.env.RYUK_CONTAINER_IMAGE ?? 'testcontainers/ryuk:0.14.0';
  const present = await client.image.exists(ImageName.fromString(ryukImage)).catch(() => false);
  if (!present) process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  return present;
}

/** The first candidate image already on this machine, else the first candidate (Testcontainers will try to pull it). */
async function chooseImage(client: ContainerRuntimeClient, candidates: string[]): Promise<{ image: string; local: boolean }> {
  const { ImageName } = await import('testcontainers');
  for (const image of candidates) {
    if (await client.image.exists(ImageName.fromString(image)).catch(() => false)) return { image, local: true };
  }
  return { image: candidates[0]!, local: false };
}

/** One line naming why a container did not start. */
function startFailure(adapter: AdapterName, image: string, local: boolean, err: unknown): UserError {
  const message = errorMessage(err).split('\n')[0]!;
  if (!local) {
    return new UserError(
      `${adapter} image ${image} is not on this machine and could not be pulled (${message}); build local stand-ins with \`bash docker/local/build-local-images.sh\` and set ${imageVariable(adapter)}, or give a URL`,
    );
  }
  if (/timed out|timeout/i.test(message))
    return new UserError(`${adapter} container from ${image} started but was not ready within ${STARTUP_TIMEOUT_MS / 1000} s (${message})`);
  return new UserError(`${adapter} container from ${image} did not start: ${message}`);
}

/** Start the adapter's server image and wait until it accepts connections; `image` overrides the configured one. */
export async function startContainer(adapter: AdapterName, options: ContainerOptions = {}): Promise<StartedServer> {
  const { image, hostPort } = options;
  const server = adapterFor(adapter).server;
  if (!server) throw new UserError(`${adapter} has no server to start in a container`);
  const client = await runtime();
  if (!client) throw new UserError(`no Docker engine answers: start one, or give a ${adapter} URL`);
  await removeOrphans(client);
  const ryuk = await decideRyuk(client);
  const chosen = await chooseImage(client, image ? [image] : imageCandidates(adapter));
  const labels = { [OWNER_PID]: String(process.pid), [OWNER_HOST]: hostname() };
  const started = Date.now();
  try {
    const running = await server.startContainer(chosen.image, { labels, hostPort, startupTimeoutMs: STARTUP_TIMEOUT_MS });
    return { ...running, image: chosen.image, startMs: Date.now() - started, ryuk };
  } catch (err) {
    throw startFailure(adapter, chosen.image, chosen.local, err);
  }
}
