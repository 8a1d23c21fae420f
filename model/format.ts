// How numbers read, the same in the terminal, Markdown, HTML and compare: one place, so a percentage or a latency
// never prints two ways.

/** A count or rate as a whole number with thousands separators: 12,345. */
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Milliseconds with the precision that matters at their size: 1234, 45.6, 3.21, 0.129. */
export const ms = (n: number): string => n.toFixed(n >= 100 ? 0 : n >= 10 ? 1 : n >= 1 ? 2 : 3);

/** A share (0 to 1) as a percentage: 12 %, or with `digits` decimals. */
export const percent = (x: number, digits = 0): string => `${(x * 100).toFixed(digits)} %`;

/** A change (0.05 is 5 % more) with its sign: +5.0 %, −3.2 %; an infinite one reads +∞ %. */
export const signedPercent = (x: number, digits = 1): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(digits)} %` : '+∞ %');

/** A measured value to three significant digits: 0.129, 22.3, 1520. */
export const num = (n: number): string => Number(n.toPrecision(3)).toString();
