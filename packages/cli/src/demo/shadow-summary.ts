import { DEFAULT_PORTS } from '@sonar/contracts';
import type { Checkpoint } from '@sonar/store';
import type { ShadowSnapshot } from './snapshot.ts';
import { formatFixed, formatPercent } from '../watch/format.ts';
import { localUrl } from '../ports.ts';

/** One side of the scorer's shadow comparison, over its recent holdout readings. */
export interface ShadowSide {
  model: string;
  optimizer: string;
  accuracy?: number | undefined;
  logLoss?: number | undefined;
}

/** `sonar demo --shadow`: the scorer's comparison of the serving model and the challenger it scored as its shadow. */
export interface ShadowComparison {
  serving: ShadowSide;
  challenger: ShadowSide & {
    /** Its newest checkpoint. */
    version: number;
    samples: number;
    cost: number;
    /** That checkpoint on the held-out rows of the data set, as the serving model's in the summary's holdout section. */
    heldOutAccuracy: number;
    /** The version the scorer scored with last. */
    scoredVersion?: number | undefined;
  };
  /** Share of the scorer's recent readings that got the same label from both. */
  agreement?: number | undefined;
  /** Readings the scorer classified (those before the challenger's first checkpoint by the serving model alone). */
  scored: number;
  /** Commands to run next, as they are typed. */
  nextSteps: string[];
}

/** How to judge the challenger further, and to make it serve. */
export function shadowNextSteps(serving: string, challenger: string, scorerPort: number): string[] {
  const scorer = scorerPort === DEFAULT_PORTS.scorer ? '' : ` --scorer ${localUrl(scorerPort)}`;
  return [`pnpm sonar model compare ${serving} ${challenger}${scorer}`, `pnpm sonar model promote ${challenger} --to ${serving}`];
}

export function shadowLines(c: ShadowComparison): string[] {
  const side = (label: string, s: ShadowSide) => `${label.padEnd(11)} accuracy ${formatPercent(s.accuracy).padStart(6)}  log-loss ${formatFixed(s.logLoss, 4)}  "${s.model}" (${s.optimizer})`;
  const [compare, promote] = c.nextSteps;
  return [
    `  shadow scoring    the scorer's recent holdout readings, scored by both models (${c.scored.toLocaleString('en-US')} readings scored)`,
    `                    ${side('serving', c.serving)}`,
    `                    ${side('challenger', c.challenger)}, version ${c.challenger.scoredVersion ?? 'n/a'} scored last`,
    `                    agreement   ${formatPercent(c.agreement)} of its recent readings got the same label from both`,
    `  challenger        version ${c.challenger.version}, ${c.challenger.samples.toLocaleString('en-US')} samples, last batch cost ${c.challenger.cost.toFixed(4)}; ${formatPercent(c.challenger.heldOutAccuracy)} on the held-out rows`,
    `  next steps        ${compare}   (the live part while the scorer runs: --linger)`,
    `                    ${promote}`,
  ];
}

/** The summary's shadow section from the two newest checkpoints and the scorer's last metrics. */
export function shadowComparison(
  serving: Checkpoint,
  challenger: Checkpoint,
  scorer: { scored: number; port: number; shadow: ShadowSnapshot | undefined; heldOutAccuracy: number },
): ShadowComparison {
  const optimizer = (c: Checkpoint) => String(c.hyperparameters.optimizer ?? 'n/a');
  const s = scorer.shadow ?? {};
  return {
    serving: { model: serving.model, optimizer: optimizer(serving), accuracy: s.servingAccuracy, logLoss: s.servingLogLoss },
    challenger: {
      model: challenger.model,
      optimizer: optimizer(challenger),
      accuracy: s.challengerAccuracy,
      logLoss: s.challengerLogLoss,
      version: challenger.version,
      samples: challenger.samples,
      cost: challenger.cost,
      heldOutAccuracy: scorer.heldOutAccuracy,
      scoredVersion: s.challengerVersion,
    },
    agreement: s.agreement,
    scored: scorer.scored,
    nextSteps: shadowNextSteps(serving.model, challenger.model, scorer.port),
  };
}
