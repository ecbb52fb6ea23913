import { describe, expect, it } from 'vitest';
import { runDemo } from '../../../src/demo/run.js';

describe('npm run demo', () => {
  it('walks the whole cycle on the simulator and the embedded database, and ends well', async () => {
    const lines: string[] = [];
    const code = await runDemo({ out: (t) => lines.push(t), color: false });
    const text = lines.join('\n');
    expect(code).toBe(0);
    expect(text).toContain('Summary: spend $2,843.19 | purchases 19 | CPA $149.64 | ROAS 1.21');
    expect(text).toContain('Top recs: 2 high, 3 medium');
    expect(text).toContain('Refused: execution is disabled');
    expect(text).toContain('applied=2 skipped=1 (1 rejected) failed=0');
    expect(text).toContain('rolled_back=1 refused=0 failed=0');
    expect(text).toMatch(/Agent: +HALTED/);
    // It ends by saying how to drive the simulator by hand.
    expect(text).toContain('npx metabuyer sim --scenario examples/seed-demo.json --port 8787');
    expect(text).toContain('export META_GRAPH_URL=http://127.0.0.1:8787');
    expect(text).toContain(
      'npx metabuyer connect --access-token EAASIMSYSTEMUSERTOKEN0001 --ad-account act_1000000001',
    );
    expect(text).not.toMatch(/expected 0\)|unexpected result/);
    expect(text).not.toContain('EAASIMSYSTEMUSERTOKEN0001\n    Connected');
  }, 120_000);
});
