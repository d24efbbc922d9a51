import { readFileSync } from 'node:fs';
import { modelKeys, type ModelKeys } from '@sonar/contracts';
import {
  fromHash,
  fromHistoryEntry,
  toHashFields,
  toHistoryEntry,
  validCheckpoint,
  validServingModel,
  type Checkpoint,
  type Corrupt,
  type ServingModel,
  type Validated,
} from './checkpoint.ts';
import { connectionOf, type RedisClient } from './connect.ts';

/**
 * Where a trainer resumes: the newest usable checkpoint (the stored one, or when it is
 * corrupt the newest usable one of the history), the corrupt ones it skipped, and the
 * version the next checkpoint must pass (the corrupt one's, if higher).
 */
export type ResumePoint =
  | { kind: 'none' }
  | { kind: 'checkpoint'; checkpoint: Checkpoint; skipped: Corrupt[]; versionFloor: number }
  | { kind: 'unusable'; skipped: Corrupt[] };

const script = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');

/**
 * What became of a checkpoint write. `reestablished`: the stored epoch was behind the
 * writer's (or gone): Redis lost writes, and the writer set it back to its own.
 * `unreplicated`: written on the primary, but fewer replicas than asked for acknowledged it
 * in time, so a failover now could lose it.
 */
export type CommitResult =
  | { accepted: true; version: number; reestablished?: { from: number | undefined }; unreplicated?: { acknowledged: number; wanted: number } }
  | { accepted: false; reason: 'fenced'; currentEpoch: number }
  | { accepted: false; reason: 'stale'; storedVersion: number };

type ScriptReply = [number, string, string?];

/** How many replicas must have a checkpoint before commit() answers (Redis' WAIT), and how long to wait for them. */
export interface Replication {
  replicas: number;
  timeoutMs: number;
}

/** The store's scripts, defined on the client (one server or a cluster alike). */
type ScriptedRedis = RedisClient & {
  commitCheckpoint(...args: (string | number)[]): Promise<ScriptReply>;
  replaceCheckpoint(...args: (string | number)[]): Promise<ScriptReply>;
  takeEpoch(...args: string[]): Promise<number>;
};

/** Checkpoints of one model in Redis: the newest in a hash, recent ones in a list. */
export class CheckpointStore {
  readonly keys: ModelKeys;
  private readonly redis: ScriptedRedis;

  constructor(
    redis: RedisClient,
    readonly model: string,
    prefix = 'sonar',
    private readonly historyLength = 100,
    private readonly replication: Replication = { replicas: 0, timeoutMs: 0 },
  ) {
    this.keys = modelKeys(model, prefix);
    this.redis = redis as ScriptedRedis;
    if (!('commitCheckpoint' in redis)) {
      redis.defineCommand('commitCheckpoint', { numberOfKeys: 3, lua: script('commit-checkpoint') });
      redis.defineCommand('replaceCheckpoint', { numberOfKeys: 2, lua: script('replace-checkpoint') });
      redis.defineCommand('takeEpoch', { numberOfKeys: 2, lua: script('take-epoch') });
    }
  }

  async load(): Promise<Checkpoint | undefined> {
    return fromHash(await this.redis.hgetall(this.keys.model));
  }

  async version(): Promise<number | undefined> {
    const version = await this.redis.hget(this.keys.model, 'version');
    return version ? Number(version) : undefined;
  }

  /** The model to serve, validated: undefined before the first checkpoint. */
  async serving(): Promise<Validated<ServingModel> | undefined> {
    const [version, theta, updatedAt, sourceOffsets, iterate] = await this.redis.hmget(this.keys.model, 'version', 'theta', 'updatedAt', 'sourceOffsets', 'iterate');
    if (!version || !theta) return undefined;
    return validServingModel({ version, theta, updatedAt: updatedAt ?? null, sourceOffsets: sourceOffsets ?? null, iterate: iterate ?? null });
  }

  /** The newest checkpoint a trainer can resume from (see ResumePoint). */
  async resumePoint(): Promise<ResumePoint> {
    const stored = validCheckpoint(await this.redis.hgetall(this.keys.model));
    if (stored === undefined) return { kind: 'none' };
    if (stored.ok) return { kind: 'checkpoint', checkpoint: stored.value, skipped: [], versionFloor: stored.value.version };
    const skipped = [stored.corrupt];
    for (const entry of await this.redis.lrange(this.keys.history, 0, this.historyLength - 1)) {
      let hash: Record<string, string>;
      try {
        hash = JSON.parse(entry) as Record<string, string>;
      } catch {
        skipped.push({ version: undefined, reason: 'unreadable', message: 'history entry is not JSON' });
        continue;
      }
      const candidate = validCheckpoint(hash);
      if (candidate?.ok) {
        const versionFloor = Math.max(candidate.value.version, ...skipped.map((c) => c.version ?? 0));
        return { kind: 'checkpoint', checkpoint: candidate.value, skipped, versionFloor };
      }
      if (candidate) skipped.push(candidate.corrupt);
    }
    return { kind: 'unusable', skipped };
  }

  /** The epoch of the trainer allowed to write checkpoints now (undefined before the first). */
  async currentEpoch(): Promise<number | undefined> {
    const epoch = await this.redis.get(this.keys.epoch);
    return epoch === null ? undefined : Number(epoch);
  }

  /** A new fencing epoch: checkpoints written under older epochs are rejected from now on. */
  async takeEpoch(): Promise<number> {
    return Number(await this.redis.takeEpoch(this.keys.epoch, this.keys.model));
  }

  /**
   * Writes the checkpoint under the writer's epoch and announces its version on the update
   * channel: in the same script when no replica must have it first, else once WAIT answers.
   */
  async commit(written: Checkpoint, epoch: number): Promise<CommitResult> {
    const checkpoint = { ...written, epoch };
    const announceInScript = this.replication.replicas === 0;
    const [ok, reason, value] = await this.redis.commitCheckpoint(
      this.keys.model,
      this.keys.history,
      this.keys.epoch,
      String(epoch),
      String(checkpoint.version),
      this.historyLength,
      toHistoryEntry(checkpoint),
      announceInScript ? this.keys.updated : '',
      ...toHashFields(checkpoint),
    );
    if (ok === 1) {
      const unreplicated = await this.awaitReplicas();
      // A lost announcement only delays scorers until their next poll.
      if (!announceInScript) await this.publish(checkpoint.version).catch(() => 0);
      return {
        accepted: true,
        version: checkpoint.version,
        ...(value ? { reestablished: { from: value === 'missing' ? undefined : Number(value) } } : {}),
        ...(unreplicated ? { unreplicated } : {}),
      };
    }
    return reason === 'fenced'
      ? { accepted: false, reason: 'fenced', currentEpoch: Number(value) }
      : { accepted: false, reason: 'stale', storedVersion: Number(value) };
  }

  /**
   * WAIT on the connection that wrote: it counts the replicas that have every write it made so
   * far. A cluster client would send the keyless WAIT to any node: it goes to the slot's master.
   */
  private async awaitReplicas(): Promise<{ acknowledged: number; wanted: number } | undefined> {
    const { replicas, timeoutMs } = this.replication;
    if (replicas === 0) return undefined;
    const writer = connectionOf(this.redis, this.keys.model);
    // The checkpoint is written either way: a failed WAIT only means no replica is known to have it.
    const acknowledged = writer ? await writer.wait(replicas, timeoutMs).catch(() => 0) : 0;
    return acknowledged < replicas ? { acknowledged, wanted: replicas } : undefined;
  }

  async history(limit = this.historyLength): Promise<Checkpoint[]> {
    const entries = await this.redis.lrange(this.keys.history, 0, limit - 1);
    return entries.map(fromHistoryEntry).filter((c): c is Checkpoint => c !== undefined);
  }

  /**
   * Makes version V the newest: a new version with V's theta and optimizer state,
   * keeping the current offsets (the readings since V are not trained on again).
   */
  async rollback(target: number, now = Date.now()): Promise<Checkpoint> {
    return this.replaceWith(async () => {
      const source = (await this.history()).find((c) => c.version === target);
      if (!source) throw new Error(`version ${target} of model "${this.model}" is not in its history`);
      return { ...source, rolledBackFrom: target, promotedFrom: undefined };
    }, now);
  }

  /**
   * Makes another model's checkpoint the newest version of this one: its theta, optimizer
   * state and hyperparameters, with provenance (`promotedFrom`), this model's offsets.
   * The scorer swaps it in as any version; this model's trainer continues from it.
   */
  async promote(source: Checkpoint, by: string, now = Date.now()): Promise<Checkpoint> {
    return this.replaceWith(async () => ({ ...source, model: this.model, rolledBackFrom: undefined, promotedFrom: { model: source.model, version: source.version, by, at: now } }), now);
  }

  /** An operator's write of a new version built from the latest: compare-and-set, tried again when the trainer wrote meanwhile. */
  private async replaceWith(build: (latest: Checkpoint) => Promise<Checkpoint>, now: number): Promise<Checkpoint> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const latest = await this.load();
      if (!latest) throw new Error(`model "${this.model}" has no checkpoint`);
      const next: Checkpoint = { ...(await build(latest)), version: latest.version + 1, topic: latest.topic, offsets: latest.offsets, updatedAt: now, epoch: latest.epoch, sourceOffsets: latest.sourceOffsets, drifts: undefined };
      const [ok] = await this.redis.replaceCheckpoint(
        this.keys.model,
        this.keys.history,
        String(latest.version),
        String(next.version),
        toHistoryEntry(next),
        ...toHashFields(next),
      );
      if (ok === 1) {
        await this.publish(next.version);
        return next;
      }
    }
    throw new Error('the write kept conflicting with the trainer; try again');
  }

  publish(version: number): Promise<number> {
    return this.redis.publish(this.keys.updated, String(version));
  }

  /** Deletes every key of this model (tests and `sonar model` housekeeping). */
  async destroy(): Promise<void> {
    await this.redis.del(this.keys.model, this.keys.history, this.keys.epoch);
  }
}
