/** A problem the user can fix (flag, config, URL, server address): one line, exit code 2, no stack trace. */
export class UserError extends Error {
  override name = 'UserError';
}

/** zod issues as one line: `path: message; path: message`. */
export function formatIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}
