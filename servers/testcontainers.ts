import { existsSync } from 'node:fs';
import { type ContainerAdapter, imageFor } from '../docker/images';

/** A server started in a container for this run. */
export interface StartedServer {
  /** Connection URL (carries the container's throwaway password; redact before logging). */
  url: string;
  /** The image it runs. */
  image: string;
  /** Milliseconds from start request to ready. */
  startMs: number;
  /** Stop and remove the container. */
  stop(): Promise<void>;
}

/** Whether a Docker engine answers, within a few seconds; false rather than an error when there is none. */
export async function dockerAnswers(timeoutMs = 5000): Promise<boolean> {
  if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const probe = getContainerRuntimeClient().then(() => true);
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
    return await Promise.race([probe, timeout]);
  } catch {
    return false;
  }
}

/** Start the adapter's server image and wait until it accepts connections. */
export async function startContainer(adapter: ContainerAdapter): Promise<StartedServer> {
  const image = imageFor(adapter);
  const started = Date.now();
  if (adapter === 'postgres') {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const c = await new PostgreSqlContainer(image).withDatabase('dbmatrix').withUsername('dbmatrix').withPassword('dbmatrix').start();
    return { url: c.getConnectionUri(), image, startMs: Date.now() - started, stop: async () => void (await c.stop()) };
  }
  const { MySqlContainer } = await import('@testcontainers/mysql');
  const c = await new MySqlContainer(image).withDatabase('dbmatrix').withRootPassword('dbmatrix').start();
  return { url: c.getConnectionUri(true), image, startMs: Date.now() - started, stop: async () => void (await c.stop()) };
}
