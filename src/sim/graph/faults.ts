/**
 * Injected failures (POST /__sim/faults). A fault matches a Graph call by method (optional) and a
 * regular expression tested against the path without the version prefix and without the query string
 * ("/act_1000000001/insights", "/11", "/" for a batch). Each matching call consumes one of its `times`;
 * faults are tried in the order they were added. Batch items are matched one by one, like calls.
 */
export interface FaultError {
  code: number;
  error_subcode?: number | undefined;
  message: string;
  is_transient?: boolean | undefined;
  type?: string | undefined;
  error_user_title?: string | undefined;
  error_user_msg?: string | undefined;
}

export interface FaultSpec {
  method?: string | undefined;
  path: string;
  times?: number | undefined;
  status?: number | undefined;
  error?: FaultError | undefined;
  delay_ms?: number | undefined;
  apply_then_fail?: boolean | undefined;
  /** With a throttle error: the wait its usage headers announce, in minutes (default 1). */
  regain_minutes?: number | undefined;
}

export interface Fault {
  id: number;
  method: string | undefined;
  path: RegExp;
  remaining: number;
  status: number | undefined;
  error: FaultError | undefined;
  delayMs: number;
  applyThenFail: boolean;
  spec: FaultSpec;
}

export class FaultRegistry {
  private faults: Fault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): Fault {
    const fault: Fault = {
      id: this.nextId++,
      method: spec.method?.toUpperCase(),
      path: new RegExp(spec.path),
      remaining: spec.times ?? 1,
      status: spec.status,
      error: spec.error,
      delayMs: spec.delay_ms ?? 0,
      applyThenFail: spec.apply_then_fail ?? false,
      spec,
    };
    this.faults.push(fault);
    return fault;
  }

  /** The first fault matching this call, with one use consumed; undefined when none matches. */
  take(method: string, path: string): Fault | undefined {
    const fault = this.faults.find(
      (f) => (f.method === undefined || f.method === method) && f.path.test(path),
    );
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  list(): Array<FaultSpec & { id: number; remaining: number }> {
    return this.faults.map((f) => ({ ...f.spec, id: f.id, remaining: f.remaining }));
  }

  clear(): void {
    this.faults = [];
  }
}
