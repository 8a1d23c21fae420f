import { styleText } from 'node:util';

/** Styles the terminal tables use. */
export type Style = 'red' | 'green' | 'yellow' | 'dim' | 'bold';

/** Applies a style, or leaves the text alone. */
export type Paint = (style: Style, text: string) => string;

/** No colour: for files, pipes and CI logs. */
export const plain: Paint = (_style, text) => text;

/** Colour only when the stream is a terminal and NO_COLOR is unset (https://no-color.org). */
export function painterFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Paint {
  if (!stream.isTTY || env.NO_COLOR) return plain;
  return (style, text) => styleText(style, text);
}
