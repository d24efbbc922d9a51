import type { Logger } from '@sonar/runtime';
import type { CheckpointStore } from '../checkpoint-store.ts';
import { refusedByRedis, type RedisClient } from '../connect.ts';
import type { ModelHolder } from './model-holder.ts';

const RETRY_MS = 1000;

/**
 * Keeps the holder on the newest version: the update channel announces new ones at
 * once, and a poll catches what pub/sub loses across reconnects.
 */
export class ModelWatcher {
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  /** An announcement came during a check that may have read the version before it. */
  private again = false;
  /** The last version refused as corrupt: not read again until a newer one is written. */
  private refused: number | undefined;
  /** Redis refused this user the model (credentials, ACL): no first model will come. */
  private denied: unknown;

  constructor(
    private readonly store: CheckpointStore,
    private readonly subscriber: RedisClient,
    private readonly holder: ModelHolder,
    private readonly logger: Logger,
    private readonly pollMs: number,
    private readonly onRejected: (reason: string) => void = () => undefined,
  ) {}

  async start(signal: AbortSignal): Promise<void> {
    this.subscriber.on('message', (_channel: string, version: string) => {
      if (Number.isSafeInteger(Number(version))) this.holder.noteVersion(Number(version));
      if (Number(version) > (this.holder.current?.version ?? 0)) void this.check(true);
    });
    // Redis may be away while the scorer starts: wait for it rather than exit. Once
    // subscribed, the client subscribes again by itself after a reconnect.
    while (!signal.aborted) {
      try {
        await this.subscriber.subscribe(this.store.keys.updated);
        break;
      } catch (error) {
        if (refusedByRedis(error)) throw error;
        this.logger.warn({ err: (error as Error).message }, 'could not subscribe to model updates; retrying');
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
    await this.check();
    this.timer = setInterval(() => void this.check(), this.pollMs);
  }

  /** Resolves once a model is there; the scorer emits nothing before (no guesses). Rejects when Redis refuses it the model. */
  async firstModel(signal: AbortSignal): Promise<void> {
    let logged = false;
    while (!this.holder.current && !signal.aborted) {
      if (this.denied !== undefined) throw this.denied;
      if (!logged) this.logger.info({ model: this.store.model }, 'no checkpoint yet: holding consumption until the trainer writes one');
      logged = true;
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.pollMs, 500)));
      await this.check();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
  }

  /** `announced`: a newer version was just announced, so it is read at once, without asking for the version first. */
  private check(announced = false): Promise<void> {
    if (this.checking) {
      this.again = true;
      return this.checking;
    }
    this.checking = (async () => {
      let skipVersionRead = announced;
      do {
        this.again = false;
        await this.load(skipVersionRead);
        skipVersionRead = false;
      } while (this.again);
    })().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async load(skipVersionRead: boolean): Promise<void> {
    try {
      let version: number | undefined;
      if (!skipVersionRead) {
        version = await this.store.version();
        if (version !== undefined) this.holder.noteVersion(version);
        if (version === undefined || version <= (this.holder.current?.version ?? 0) || version === this.refused) return;
      }
      const model = await this.store.serving();
      if (!model) return;
      if (model.ok) {
        this.holder.offer(model.value);
        return;
      }
      // Never served: the scorer keeps the last good model (and says so once per version). The version
      // is the one read with the theta: a checkpoint written between the two reads is the one refused.
      const refused = model.corrupt.version ?? version;
      if (refused === this.refused) return;
      this.refused = refused;
      this.onRejected(model.corrupt.reason);
      this.logger.error({ version: refused, reason: model.corrupt.reason, detail: model.corrupt.message, serving: this.holder.current?.version }, 'refused a corrupt model: keeping the last good one');
    } catch (error) {
      // Before the first model, a refusal is the reason not to wait any longer (firstModel reports it).
      if (!this.holder.current && refusedByRedis(error)) this.denied = error;
      else this.logger.warn({ err: (error as Error).message }, 'could not read the model from Redis; keeping the current one');
    }
  }
}
