/**
 * Fault injection: rules checked per request in insertion order.
 *
 * @packageDocumentation
 */
import type { FaultControls, FaultRule } from '../types.js';

/** Holds fault rules; the first rule that matches a request applies and uses up one `times`. */
export class FaultInjector implements FaultControls {
  private rules: Array<{ rule: FaultRule; remaining: number }> = [];

  constructor(private readonly random: () => number) {}

  add(rule: FaultRule): void {
    this.rules.push({ rule: { ...rule }, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  /** The rule that applies to a request on `route`, if any; exhausted rules are dropped. */
  take(route: string): FaultRule | undefined {
    const entry = this.rules.find(
      (candidate) =>
        candidate.remaining > 0 &&
        (candidate.rule.route === 'any' || candidate.rule.route === route) &&
        this.chance(candidate.rule.rate),
    );
    if (!entry) return undefined;
    entry.remaining -= 1;
    this.rules = this.rules.filter((candidate) => candidate.remaining > 0);
    return entry.rule;
  }

  private chance(rate: number | undefined): boolean {
    return rate === undefined || this.random() < rate;
  }
}
