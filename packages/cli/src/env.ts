import { z } from 'zod';
import { checkConnection, connectionEnv, connectionIdentity, createLogger, explainFailure, parseEnv, type ConnectionEnv, type Logger } from '@sonar/runtime';

/** The connection settings a command shares with the services (the same variables, parsed the same way). */
export function commandEnv(): ConnectionEnv {
  return parseEnv(z.object(connectionEnv).superRefine(checkConnection), process.env);
}

/** What a failed command prints: a refusal of Kafka or Redis explained in one line, anything else as it is. */
export function failureMessage(error: unknown): string {
  let identity = {};
  try {
    identity = connectionIdentity(commandEnv());
  } catch {
    // The configuration is what failed: its error says so.
  }
  return explainFailure(error, identity)?.line ?? (error instanceof Error ? error.message : String(error));
}

/** A command's own output is for people; client logs only when asked for with LOG_LEVEL. */
export function commandLogger(name: string, env: ConnectionEnv): Logger {
  return createLogger(name, process.env.LOG_LEVEL ? env.LOG_LEVEL : 'error');
}
