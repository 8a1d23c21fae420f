import { type AdapterName, adapterFor } from '../adapters/registry';

/** The variable that names an adapter's image. */
export function imageVariable(adapter: AdapterName): string {
  return `DBMATRIX_${adapter.toUpperCase()}_IMAGE`;
}

/**
 * Images to try, in order: DBMATRIX_<ADAPTER>_IMAGE alone when set; else the official image, then the local
 * stand-in (both from adapters/<name>/server.ts). The first one present on the machine is used, so a machine without a
 * registry reuses what it built.
 */
export function imageCandidates(adapter: AdapterName, env: NodeJS.ProcessEnv = process.env): string[] {
  const chosen = env[imageVariable(adapter)];
  const server = adapterFor(adapter).server;
  if (chosen) return [chosen];
  return server ? [server.image, server.localImage] : [];
}
