/** Stop the containers global setup started, if any. */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __dbmatrixRelease?: () => Promise<void> }).__dbmatrixRelease?.();
}
