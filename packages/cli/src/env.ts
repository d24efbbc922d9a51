import { z } from 'zod';
import { connectionEnv, createLogger, parseEnv, type ConnectionEnv, type Logger } from '@sonar/runtime';

/** The connection settings a command shares with the services (the same variables, parsed the same way). */
export function commandEnv(): ConnectionEnv {
  return parseEnv(z.object(connectionEnv), process.env);
}

/** A command's own output is for people; client logs only when asked for with LOG_LEVEL. */
export function commandLogger(name: string, env: ConnectionEnv): Logger {
  return createLogger(name, process.env.LOG_LEVEL ? env.LOG_LEVEL : 'error');
}
