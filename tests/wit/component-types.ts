/**
 * Turns the WAT that jco prints for a component into a table of interface signatures
 * (`interface -> { types, functions }`) rendered in WIT syntax, so tests can compare what the
 * real tooling resolved from `wit/` against a table written from the reference.
 */

type SExpr = string | SExpr[];

/** Parses WAT text into nested lists; strings keep their quotes, block comments are dropped. */
export function parseSExpr(text: string): SExpr[] {
  const source = text.replace(/\(;[^;]*;\)/g, ' ');
  const tokens = source.match(/\$?"(?:[^"\\]|\\.)*"|[()]|[^\s()"]+/g) ?? [];
  const stack: SExpr[][] = [[]];
  for (const token of tokens) {
    if (token === '(') {
      const list: SExpr[] = [];
      stack.at(-1)!.push(list);
      stack.push(list);
    } else if (token === ')') {
      stack.pop();
    } else {
      stack.at(-1)!.push(token);
    }
  }
  return stack[0]!;
}

const unquote = (s: SExpr): string => (typeof s === 'string' ? s.replace(/^"|"$/g, '') : '');

/** How one interface looks once resolved: named types and functions, each rendered as WIT. */
export interface InterfaceShape {
  types: Record<string, string>;
  functions: Record<string, string>;
}

/** Extracts every imported instance type (`(type $ty-<name> (instance ...))`) from component WAT. */
export function interfaceShapes(wat: string): Record<string, InterfaceShape> {
  const [component] = parseSExpr(wat) as SExpr[][];
  const shapes: Record<string, InterfaceShape> = {};
  for (const item of component ?? []) {
    if (!Array.isArray(item) || item[0] !== 'type') continue;
    const name = typeof item[1] === 'string' && item[1].startsWith('$ty-') ? item[1].slice(4) : undefined;
    const body = item.find((x): x is SExpr[] => Array.isArray(x) && x[0] === 'instance');
    if (name && body) shapes[name] = instanceShape(body);
  }
  return shapes;
}

function instanceShape(instance: SExpr[]): InterfaceShape {
  // Each slot of the type index space is either a definition or a name given to another slot.
  const slots: { def?: SExpr; name?: string; outer?: string }[] = [];
  const shape: InterfaceShape = { types: {}, functions: {} };
  const funcTypes: SExpr[] = [];

  for (const entry of instance.slice(1)) {
    if (!Array.isArray(entry)) continue;
    if (entry[0] === 'type') {
      slots.push({ def: entry[1] });
    } else if (entry[0] === 'alias') {
      // (alias outer 1 $data (type)) — a type `use`d from another interface.
      // Its identifier is `$data` or `$"#type5 data"`: the WIT name is the last word.
      slots.push({
        outer: String(entry[3])
          .replace(/^\$"?|"$/g, '')
          .split(' ')
          .at(-1)!,
      });
    } else if (entry[0] === 'export') {
      const exportName = unquote(entry[1]!);
      const kind = entry[2] as SExpr[];
      if (kind[0] === 'type') {
        const bound = kind[1] as SExpr[];
        if (bound[0] === 'sub') {
          slots.push({ name: exportName, def: ['resource'] });
        } else {
          const target = slots[Number(bound[1])]!;
          slots.push({ name: exportName, def: target.def, outer: target.outer });
        }
      } else if (kind[0] === 'func') {
        funcTypes.push([exportName, (kind[1] as SExpr[])[1]!]);
      }
    }
  }

  const ref = (index: SExpr): string => {
    if (typeof index === 'string' && !/^\d+$/.test(index)) return index; // primitive
    if (Array.isArray(index)) return render(index);
    const slot = slots[Number(index)]!;
    if (slot.name) return slot.name;
    if (slot.outer) return slot.outer;
    return render(slot.def!);
  };

  const render = (def: SExpr): string => {
    if (typeof def === 'string') return def;
    const [head, ...rest] = def;
    switch (head) {
      case 'list':
        return `list<${ref(rest[0]!)}>`;
      case 'option':
        return `option<${ref(rest[0]!)}>`;
      case 'own':
        return ref(rest[0]!);
      case 'borrow':
        return `borrow<${ref(rest[0]!)}>`;
      case 'tuple':
        return `tuple<${rest.map(ref).join(', ')}>`;
      case 'result': {
        const ok = rest.find((x) => !Array.isArray(x) || x[0] !== 'error');
        const err = rest.find((x): x is SExpr[] => Array.isArray(x) && x[0] === 'error');
        if (ok === undefined && !err) return 'result';
        return `result<${ok === undefined ? '_' : ref(ok)}${err ? `, ${ref(err[1]!)}` : ''}>`;
      }
      case 'record':
        return `record { ${rest.map((f) => `${unquote((f as SExpr[])[1]!)}: ${ref((f as SExpr[])[2]!)}`).join(', ')} }`;
      case 'variant':
        return `variant { ${rest
          .map((c) => {
            const [, caseName, payload] = c as SExpr[];
            return payload === undefined ? unquote(caseName!) : `${unquote(caseName!)}(${ref(payload)})`;
          })
          .join(', ')} }`;
      case 'enum':
        return `enum { ${rest.map(unquote).join(', ')} }`;
      case 'flags':
        return `flags { ${rest.map(unquote).join(', ')} }`;
      case 'resource':
        return 'resource';
      case 'func': {
        const params = rest.filter((x): x is SExpr[] => Array.isArray(x) && x[0] === 'param');
        const result = rest.find((x): x is SExpr[] => Array.isArray(x) && x[0] === 'result');
        const args = params.map((p) => `${unquote(p[1]!)}: ${ref(p[2]!)}`).join(', ');
        return `func(${args})${result ? ` -> ${ref(result[1]!)}` : ''}`;
      }
      default:
        return JSON.stringify(def);
    }
  };

  for (const slot of slots) {
    if (!slot.name) continue;
    shape.types[slot.name] = slot.outer ? `use ${slot.outer}` : render(slot.def!);
  }
  for (const [name, type] of funcTypes as [string, SExpr][]) {
    shape.functions[name] = render(slots[Number(type)]!.def!);
  }
  return shape;
}
