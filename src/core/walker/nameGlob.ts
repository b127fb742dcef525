// Name patterns for the walker's `collect` option: shell globs over one path segment (`*`, `?`,
// `[abc]`, `[!abc]`, `{a,b}`), compiled once per walk into one anchored RegExp.
// Written here rather than with picomatch.makeRe because picomatch (2.3) reads the same patterns
// differently: `[!a]` becomes the class "! or a" (not "anything but a") and `(c)` a regex group,
// so a user's `checkpoint_[!t]*` or `run(1)*` setting would match other names
// (test/unit/walker.test.ts, "name globs", pins the shell meaning).

function globPart(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) { out += '\\['; continue; }
      let body = glob.slice(i + 1, end);
      if (body.startsWith('!')) body = '^' + body.slice(1);
      out += '[' + body.replace(/\\/g, '\\\\') + ']';
      i = end;
    } else if (c === '{') {
      // Alternatives, nesting allowed: find the matching brace and split on top-level commas.
      let depth = 0, end = -1;
      for (let j = i; j < glob.length; j++) {
        if (glob[j] === '{') depth++;
        else if (glob[j] === '}' && --depth === 0) { end = j; break; }
      }
      if (end < 0) { out += '\\{'; continue; }
      const alternatives: string[] = [];
      let start = i + 1;
      depth = 0;
      for (let j = i + 1; j < end; j++) {
        if (glob[j] === '{') depth++;
        else if (glob[j] === '}') depth--;
        else if (glob[j] === ',' && depth === 0) { alternatives.push(glob.slice(start, j)); start = j + 1; }
      }
      alternatives.push(glob.slice(start, end));
      out += '(?:' + alternatives.map(globPart).join('|') + ')';
      i = end;
    } else out += c.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  return out;
}

/** One RegExp matching a name against any of the globs (whole name, case-sensitive). */
export function namesToRegExp(globs: readonly string[]): RegExp {
  return new RegExp(`^(?:${globs.map(globPart).join('|')})$`, 's');
}
