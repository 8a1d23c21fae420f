/** A count or rate as a whole number with thousands separators: 12,345. */
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
