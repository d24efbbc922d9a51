import type { ConnectionEnv } from '../connection-env.ts';
import { connectionIdentity } from '../connection-env.ts';
import type { Logger } from '../logger.ts';
import { ExplainedFailure, explainFailure, explainRefusal, type FailureContext } from './explain-failure.ts';
import type { KafkaNeeds } from './kafka-failure.ts';

/** How a service explains the failure it stops on: with who it is, what it needs, and what kafkajs only logged. */
export class ServiceFailures {
  constructor(
    private readonly logger: Logger,
    private readonly config: ConnectionEnv,
    private readonly needs: KafkaNeeds,
    /** @sonar/kafka's CoordinatorRefusals of the service's client. */
    private readonly refusals: { readonly last: { type: string; id: string } | undefined },
  ) {}

  context(): FailureContext {
    return { ...connectionIdentity(this.config), needs: this.needs, coordinatorRefusal: this.refusals.last };
  }

  /** True for a refusal no retry mends (credentials, certificate, ACL): a reason to stop. */
  refuses(error: unknown): boolean {
    return explainRefusal(error, this.context()) !== undefined;
  }

  /** Logs it once, as one fatal line (its explanation, or `fallback` with the error); returns what to exit with: the CLI prints its message. */
  report(error: unknown, fallback: string): Error {
    const explained = explainFailure(error, this.context());
    if (explained) {
      this.logger.fatal({ problem: explained.problem }, explained.line);
      return new ExplainedFailure(explained, error);
    }
    this.logger.fatal({ err: error }, fallback);
    return error instanceof Error ? error : new Error(String(error));
  }
}
