/**
 * The `fields` parameter: "a,b,c{x,y},d.limit(5){z}". Sub-selections in braces are kept for object-typed
 * fields (learning_stage_info{status}, campaign{id,name}); modifiers after a dot are parsed and ignored.
 */
import { errors } from './errors.js';
import { hasEdge, type NodeType, nodeSpec } from './spec.js';

export interface FieldSelection {
  name: string;
  sub: FieldSelection[] | undefined;
}

export function parseFields(text: string): FieldSelection[] {
  let i = 0;
  const parseList = (): FieldSelection[] => {
    const out: FieldSelection[] = [];
    while (i < text.length) {
      const start = i;
      while (i < text.length && !',{}.'.includes(text[i] as string)) i++;
      const name = text.slice(start, i).trim();
      if (text[i] === '.') {
        // modifier such as .limit(10) or .date_preset(last_7d): skip to the next separator outside parens
        let depth = 0;
        while (i < text.length) {
          const c = text[i] as string;
          if (c === '(') depth++;
          else if (c === ')') depth--;
          else if (depth === 0 && (c === ',' || c === '{' || c === '}')) break;
          i++;
        }
      }
      let sub: FieldSelection[] | undefined;
      if (text[i] === '{') {
        i++;
        sub = parseList();
        if (text[i] === '}') i++;
      }
      if (name) out.push({ name, sub });
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}' || i >= text.length) break;
    }
    return out;
  };
  return parseList();
}

/** Throws Meta's nonexisting-field error for the first requested field the node type does not have. */
export function checkFields(selection: FieldSelection[], type: NodeType): void {
  const spec = nodeSpec(type);
  for (const f of selection) {
    if (spec.fields.has(f.name)) continue;
    // Meta expands edges inside `fields` (insights{spend}); the simulator does not, and says so.
    if (hasEdge(type, f.name))
      throw errors.notImplemented(`field expansion of the ${f.name} edge; call /{id}/${f.name} instead`);
    throw errors.nonexistingField(f.name, type);
  }
}
