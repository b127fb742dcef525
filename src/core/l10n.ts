// Every user-facing string of the core goes through t(): English text with {0}, {1}… for the
// values, the same form as vscode.l10n.t. The English text is the key. The extension installs
// VS Code's translator at activation (host/l10n.ts); the CLI installs a bundle picked from
// LC_ALL / LC_MESSAGES / LANG (cli/l10n.ts). Bundles: l10n/bundle.l10n.<lang>.json, checked
// by test/unit/l10nBundles.test.ts (every t('…') string of the sources has a Korean entry).

export type Translator = (message: string, args: readonly unknown[]) => string;

/** Replaces {0}, {1}… with the arguments; a placeholder without an argument stays as written. */
export function format(message: string, args: readonly unknown[]): string {
  return message.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole));
}

let translator: Translator = format;

export function setTranslator(next: Translator | undefined): void {
  translator = next ?? format;
}

/** A bundle's translator: the translated text when the bundle has one, else the English. */
export function bundleTranslator(bundle: Record<string, string>): Translator {
  return (message, args) => format(Object.prototype.hasOwnProperty.call(bundle, message) ? bundle[message] : message, args);
}

export function t(message: string, ...args: unknown[]): string {
  return translator(message, args);
}
