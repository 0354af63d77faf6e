export interface HostLimiterOptions {
  /** Minimum time between the starts of two requests to the same host. Default 2000 ms. */
  minSpacingMs?: number;
}

interface HostState {
  tail: Promise<void>;
  lastStart: number;
  pending: number;
}

/**
 * In-process politeness: at most one request in flight per host, and at least `minSpacingMs`
 * between request starts to the same host. Keyed by lower-case hostname (port ignored).
 */
export class HostLimiter {
  private readonly hosts = new Map<string, HostState>();
  private readonly minSpacingMs: number;
  private readonly now: () => number;

  constructor(options: HostLimiterOptions = {}, now: () => number = Date.now) {
    this.minSpacingMs = options.minSpacingMs ?? 2000;
    this.now = now;
  }

  static hostKey(url: string): string {
    try {
      return new URL(url).hostname.toLowerCase();
    } catch {
      return url;
    }
  }

  /** Number of hosts with queued or running work (for metrics and tests). */
  get activeHosts(): number {
    return this.hosts.size;
  }

  run<T>(url: string, fn: () => Promise<T>): Promise<T> {
    const key = HostLimiter.hostKey(url);
    let state = this.hosts.get(key);
    if (!state) {
      state = { tail: Promise.resolve(), lastStart: Number.NEGATIVE_INFINITY, pending: 0 };
      this.hosts.set(key, state);
    }
    const s = state;
    s.pending++;
    const result = s.tail.then(async () => {
      const wait = s.lastStart + this.minSpacingMs - this.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      s.lastStart = this.now();
      return fn();
    });
    // The chain continues whether fn succeeds or fails; idle hosts are forgotten after their spacing.
    s.tail = result.then(
      () => undefined,
      () => undefined,
    );
    void s.tail.then(() => {
      s.pending--;
      if (s.pending === 0) {
        setTimeout(() => {
          if (s.pending === 0 && this.hosts.get(key) === s) this.hosts.delete(key);
        }, this.minSpacingMs).unref();
      }
    });
    return result;
  }
}
