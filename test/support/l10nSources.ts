// Finds every translated string of the sources by parsing them (TypeScript's own parser, not a
// regex): calls of the core's t() (under whatever local name it is imported as) and of
// vscode.l10n.t. The English text is the bundle key. A call whose text is not a literal (or a
// const of this file initialised with one) cannot be checked, so it is reported as a problem; so is
// a call that runs at import time, before the extension or the CLI has installed its translator.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

export interface TranslatedString {
  key: string;
  file: string;
  line: number;
  /** Values passed for {0}, {1}…; undefined when an argument is spread. */
  argCount?: number;
}

export interface SourceScan {
  strings: TranslatedString[];
  problems: string[];
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(p));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The local names the core's t is imported under in this file ('t', or an alias). */
function translatorNames(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !/(^|\/)l10n$/.test(st.moduleSpecifier.text)) continue;
    const bindings = st.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      for (const el of bindings.elements) if ((el.propertyName ?? el.name).text === 't') names.add(el.name.text);
    }
  }
  return names;
}

/** The text of a string literal, or of `'a' + 'b'` made of literals; undefined otherwise. */
function literalText(node: ts.Expression): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isParenthesizedExpression(node)) return literalText(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = literalText(node.left);
    const right = literalText(node.right);
    return left !== undefined && right !== undefined ? left + right : undefined;
  }
  return undefined;
}

/** Module-level `const NAME = 'literal'` of the file, so t(NAME) can be checked too. */
function constStrings(sf: ts.SourceFile): Map<string, string> {
  const consts = new Map<string, string>();
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st) || !(st.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const d of st.declarationList.declarations) {
      const text = d.initializer && literalText(d.initializer);
      if (ts.isIdentifier(d.name) && text !== undefined) consts.set(d.name.text, text);
    }
  }
  return consts;
}

/** True when the node runs only when some function runs (not while the module is imported). */
function deferred(node: ts.Node): boolean {
  for (let p = node.parent; p; p = p.parent) if (ts.isFunctionLike(p) || ts.isClassLike(p)) return true;
  return false;
}

export function scanSources(srcDir: string, relativeTo: string): SourceScan {
  const strings: TranslatedString[] = [];
  const problems: string[] = [];
  for (const file of sourceFiles(srcDir)) {
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const names = translatorNames(sf);
    const consts = constStrings(sf);
    const rel = path.relative(relativeTo, file);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression.getText(sf).replace(/\s+/g, '');
        if (callee === 'vscode.l10n.t' || (ts.isIdentifier(node.expression) && names.has(node.expression.text))) {
          const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
          const where = `${rel}:${line}`;
          const [first, ...rest] = node.arguments;
          const key = first && (literalText(first) ?? (ts.isIdentifier(first) ? consts.get(first.text) : undefined));
          if (key === undefined) problems.push(`${where}: ${callee}() with a text that is not a literal: ${first?.getText(sf) ?? '(none)'}`);
          else {
            const spread = rest.some((a) => ts.isSpreadElement(a));
            strings.push({ key, file: rel, line, argCount: spread ? undefined : rest.length });
          }
          if (!deferred(node)) problems.push(`${where}: ${callee}() runs at import time, before the translator is installed`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { strings, problems };
}

/** The placeholders of a message, sorted: '{1} of {0}' -> ['{0}', '{1}']. */
export function placeholders(message: string): string[] {
  return [...new Set(message.match(/\{\d+\}/g) ?? [])].sort();
}

/** Every '%key%' string of package.json, wherever it is. */
export function manifestKeys(manifest: unknown): string[] {
  const keys: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      const m = /^%([^%\s]+)%$/.exec(v);
      if (m) keys.push(m[1]);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(manifest);
  return keys;
}
