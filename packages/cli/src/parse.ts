import { InvalidArgumentError } from 'commander';

/** Option parsers with a clear message for what is wrong. */
export function number(min: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < min) throw new InvalidArgumentError(`expected a number >= ${min}`);
    return parsed;
  };
}

export function integer(min: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return parsed;
  };
}

export function fraction() {
  return (value: string): number => {
    const parsed = Number(value);
    if (!(parsed >= 0 && parsed < 1)) throw new InvalidArgumentError('expected a fraction in [0, 1)');
    return parsed;
  };
}
