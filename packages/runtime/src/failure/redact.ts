/** A URL with its password replaced by ***, fit to print. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not a URL to the parser, but maybe still user:password@host.
    return url.replace(/(\/\/[^:/@\s]*:)[^@]*@/, '$1***@');
  }
}

/** Settings whose values are secrets: never echoed, not even by a config error. */
export function isSecretSetting(name: string): boolean {
  return /PASSWORD|TOKEN|SECRET/.test(name);
}
