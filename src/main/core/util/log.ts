export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Logs one line per message to stderr. Callers never pass secrets; see keys/fingerprint.ts for what is safe. */
export function createConsoleLogger(prefix = 'tollgate'): Logger {
  const line = (level: string, message: string, fields?: Record<string, unknown>) =>
    process.stderr.write(`${new Date().toISOString()} ${prefix} ${level} ${message}${fields ? ' ' + JSON.stringify(fields) : ''}\n`);
  return {
    info: (m, f) => line('info', m, f),
    warn: (m, f) => line('warn', m, f),
    error: (m, f) => line('error', m, f),
  };
}

export function createSilentLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (m: string, f?: Record<string, unknown>) => {
    lines.push(`${level} ${m}${f ? ' ' + JSON.stringify(f) : ''}`);
  };
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}
