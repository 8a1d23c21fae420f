/** The package root: bundles and sources are found from here. */
export const ROOT: string;
/** How every bundle is built (esbuild options without entry points). */
export const BUNDLE_OPTIONS: Record<string, unknown>;
/** The path of a bundle of `entry` (relative to the package root), built when missing; null when none can be had. */
export function bundleOf(entry: string): string | null;
