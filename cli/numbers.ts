/**
 * Numeric options, checked where they are parsed: `--timeout 0` or `--timeout abc` is a usage error
 * with the allowed range, never a value that makes a command hang or blame the broker.
 */
import { InvalidArgumentError } from 'commander';

/** A whole number in [min, max]. */
export function wholeNumber(min: number, max: number, unit = ''): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`"${text}" is not a whole number from ${min} to ${max}${unit}.`);
    return n;
  };
}

/** Any number in [min, max] (minutes may have a fraction). */
export function numberIn(min: number, max: number, unit = ''): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(`"${text}" is not a number from ${min} to ${max}${unit}.`);
    return n;
  };
}
