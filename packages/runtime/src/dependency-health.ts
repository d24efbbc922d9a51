import { Gauge, type Registry } from 'prom-client';
import { METRICS } from '@sonar/contracts';

interface State {
  up: boolean;
  since: number;
  error?: string;
}

/**
 * Whether each dependency (redis, kafka) answers, as probes and operations find it:
 * sonar_dependency_up{dependency} for Prometheus, and the reason a service is not ready.
 */
export class DependencyHealth {
  private readonly states = new Map<string, State>();

  constructor(
    registry: Registry,
    names: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    for (const name of names) this.states.set(name, { up: true, since: now() });
    const states = this.states;
    new Gauge({
      name: METRICS.dependencyUp,
      help: 'Whether a dependency answers (1) or is down or stuck (0), as the service last found it.',
      labelNames: ['dependency'],
      registers: [registry],
      collect() {
        for (const [dependency, state] of states) this.set({ dependency }, state.up ? 1 : 0);
      },
    });
  }

  ok(name: string): void {
    const state = this.states.get(name);
    if (state && !state.up) this.states.set(name, { up: true, since: this.now() });
  }

  failed(name: string, error: string): void {
    const state = this.states.get(name);
    if (state?.up !== false) this.states.set(name, { up: false, since: this.now(), error });
  }

  /** How long the dependency has been down (0 when up). */
  downForMs(name: string): number {
    const state = this.states.get(name);
    return state && !state.up ? this.now() - state.since : 0;
  }

  /** Why the service is not ready, or undefined when every dependency answers. */
  problem(): string | undefined {
    const down = [...this.states].filter(([, s]) => !s.up);
    return down.length === 0 ? undefined : down.map(([name, s]) => `${name} is down or stuck (${s.error ?? 'no answer'})`).join('; ');
  }
}
