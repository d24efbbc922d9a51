import type { ConnectionEnv } from '../connection-env.ts';
import { connectionIdentity } from '../connection-env.ts';
import type { Logger } from '../logger.ts';
import { explainFailure, type FailureContext } from './explain-failure.ts';
import type { KafkaNeeds } from './kafka-failure.ts';
import { reportFatal } from './report-fatal.ts';

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
  explains(error: unknown): boolean {
    return explainFailure(error, this.context()) !== undefined;
  }

  /** Logs it once, as one fatal line; returns what to exit with. */
  report(error: unknown, fallback: string): Error {
    return reportFatal(this.logger, error, this.context(), fallback);
  }
}
