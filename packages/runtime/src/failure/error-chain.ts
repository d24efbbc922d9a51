/** The fields of kafkajs', ioredis' and Node's errors that tell what went wrong. */
export interface ErrorFacts {
  name: string;
  message: string;
  /** kafkajs' protocol error name (TOPIC_AUTHORIZATION_FAILED, ...). */
  type?: string;
  /** Node's and OpenSSL's (ECONNREFUSED, UNABLE_TO_VERIFY_LEAF_SIGNATURE, ...). */
  code?: string;
}

/** An error and its causes, outermost first (kafkajs wraps the reason of a retried failure). */
export function errorChain(error: unknown): ErrorFacts[] {
  const chain: ErrorFacts[] = [];
  for (let at: unknown = error; at !== undefined && at !== null && chain.length < 8; at = (at as { cause?: unknown }).cause) {
    if (typeof at !== 'object') {
      chain.push({ name: 'Error', message: String(at) });
      break;
    }
    const { name, message, type, code } = at as Record<string, unknown>;
    chain.push({
      name: typeof name === 'string' ? name : 'Error',
      message: typeof message === 'string' ? message : '',
      ...(typeof type === 'string' ? { type } : {}),
      ...(typeof code === 'string' ? { code } : {}),
    });
  }
  return chain;
}
