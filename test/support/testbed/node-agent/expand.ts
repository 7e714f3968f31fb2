/**
 * The kubelet's `$(VAR)` expansion (k8s.io/kubernetes third_party/forked/golang/expansion):
 * `$(NAME)` becomes the value when NAME is defined and stays literal otherwise; `$$` is an
 * escaped `$`. Used for env values, command and args.
 */
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const { text, isVar, advance } = readVariable(input.slice(cursor + 1));
    out += isVar ? (lookup(text) ?? `$(${text})`) : text;
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

function readVariable(rest: string): { text: string; isVar: boolean; advance: number } {
  const first = rest[0];
  if (first === '$') return { text: '$', isVar: false, advance: 1 };
  if (first === '(') {
    const close = rest.indexOf(')', 1);
    if (close >= 0) return { text: rest.slice(1, close), isVar: true, advance: close + 1 };
    return { text: '$(', isVar: false, advance: 1 };
  }
  return { text: `$${first ?? ''}`, isVar: false, advance: 1 };
}
