/** Value of sonar.models (keyed by model name, compacted): one checkpointed model version. */
export interface ModelUpdateEvent {
  model: string;
  version: number;
  /** 61 numbers, bias first. */
  theta: number[];
  cost: number;
  samples: number;
  updatedAt: number;
  hyperparameters: Record<string, unknown>;
  /** Set when the trainer detected a drift of its progressive loss since the version before. */
  driftDetected?: boolean;
}

export function encodeModelUpdate(event: ModelUpdateEvent): string {
  return JSON.stringify(event);
}
