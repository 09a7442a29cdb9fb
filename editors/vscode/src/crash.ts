/**
 * What to do when the server stops unexpectedly (pure, unit-tested).
 *
 * The first crash is reported once and the server restarted; later crashes restart it
 * quietly (they are logged); the fifth crash stops the automatic restarts and offers a
 * manual restart. A manual restart (the `tickmark.restart` command) starts the count again.
 */
export const MAX_CRASHES = 5;

export interface CrashDecision {
  restart: boolean;
  /** `first`: say once that it crashed; `gave-up`: say it will not be restarted; `none`: only log. */
  notify: 'first' | 'gave-up' | 'none';
  crashes: number;
}

export class CrashPolicy {
  private crashes = 0;

  constructor(private readonly maxCrashes = MAX_CRASHES) {}

  recordCrash(): CrashDecision {
    this.crashes += 1;
    if (this.crashes >= this.maxCrashes) {
      return { restart: false, notify: this.crashes === this.maxCrashes ? 'gave-up' : 'none', crashes: this.crashes };
    }
    return { restart: true, notify: this.crashes === 1 ? 'first' : 'none', crashes: this.crashes };
  }

  /** The user asked for a restart: count afresh. */
  reset(): void {
    this.crashes = 0;
  }

  get count(): number {
    return this.crashes;
  }
}

/**
 * Remembers which messages were already shown, so a missing binary is reported once and
 * not again on every configuration change or document open.
 */
export class OnceNotifier {
  private readonly shown = new Set<string>();

  shouldShow(key: string): boolean {
    if (this.shown.has(key)) return false;
    this.shown.add(key);
    return true;
  }

  reset(): void {
    this.shown.clear();
  }
}
