/** `key=value` lines of a Java properties text (comments and blank lines skipped). */
export function parseProperties(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const at = trimmed.indexOf('=');
    if (at > 0) entries.set(trimmed.slice(0, at).trim(), trimmed.slice(at + 1).trim());
  }
  return entries;
}

/**
 * The base properties with each key of `overrides` replaced in place, and the keys
 * the base lacks appended: one file in which every setting appears once.
 */
export function mergeProperties(base: string, overrides: string, heading: string): string {
  const pending = parseProperties(overrides);
  const lines = base.trimEnd().split('\n').map((line) => {
    const trimmed = line.trim();
    const at = trimmed.indexOf('=');
    const key = trimmed.startsWith('#') || at <= 0 ? undefined : trimmed.slice(0, at).trim();
    if (key === undefined || !pending.has(key)) return line;
    const value = pending.get(key)!;
    pending.delete(key);
    return `${key}=${value}`;
  });
  const added = [...pending].map(([key, value]) => `${key}=${value}`);
  return [...lines, ...(added.length > 0 ? ['', `# ${heading}`, ...added] : []), ''].join('\n');
}
