// The compiled build needs the data files the sources read at run time: Meta's spec JSON for the
// simulator. tsc copies only what it compiles.
import { cpSync } from 'node:fs';

cpSync('src/sim/specs', 'dist/sim/specs', { recursive: true });
