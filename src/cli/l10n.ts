// The CLI speaks the user's language when a bundle exists for it (ko), English otherwise:
// POSIX order LC_ALL, then LC_MESSAGES, then LANG ("ko_KR.UTF-8" -> "ko"). The bundles ship in
// l10n/ next to dist/ (the .vsix and the npm package carry both).
import * as path from 'path';
import { bundleTranslator, setTranslator } from '../core/l10n';
import { safeReadTextSync } from '../core/safeRead';

export function cliLanguage(env: Record<string, string | undefined>): string | undefined {
  const value = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v && v.trim());
  if (!value || value === 'C' || value === 'POSIX') return undefined;
  return value.split(/[_.@-]/)[0].toLowerCase() || undefined;
}

/** Installs the bundle for the environment's language; returns the language used, or undefined for English. */
export function installCliTranslation(env: Record<string, string | undefined>, bundleDir = path.join(__dirname, '..', 'l10n')): string | undefined {
  const lang = cliLanguage(env);
  if (!lang || lang === 'en') return undefined;
  const file = path.join(bundleDir, `bundle.l10n.${lang}.json`);
  try {
    // Our own file, shipped with the CLI; a broken one falls back to English.
    const bundle = JSON.parse(safeReadTextSync(file, { maxBytes: 4 * 1024 * 1024 })) as Record<string, string>;
    setTranslator(bundleTranslator(bundle));
    return lang;
  } catch {
    return undefined;
  }
}
