import type { CrashPoint } from '../lib/config.js';
import type { WriteSeams } from './guarded-write.js';

/**
 * The contract's crash points (tests only): with METABUYER_ALLOW_CRASH_POINTS=1 and METABUYER_CRASH_AT
 * set, a process running the write path kills itself with SIGKILL at that point — no cleanup, no
 * finally blocks, exactly like a machine losing power — so a test can prove recovery from outside.
 */
export function crashSeams(point: CrashPoint | undefined): WriteSeams {
  if (!point) return {};
  const die = (): Promise<void> => {
    process.kill(process.pid, 'SIGKILL');
    return new Promise(() => {});
  };
  switch (point) {
    case 'after_claim':
      return { afterClaim: die };
    case 'after_intent':
      return { afterIntent: die };
    case 'after_write':
      return { afterWrite: die };
    case 'after_readback':
      return { afterReadback: die };
    default:
      return {};
  }
}

/** Dies (SIGKILL) when the configured crash point is `point`; a no-op otherwise. */
export async function crashIfAt(configured: CrashPoint | undefined, point: CrashPoint): Promise<void> {
  if (configured !== point) return;
  process.kill(process.pid, 'SIGKILL');
  await new Promise(() => {});
}
