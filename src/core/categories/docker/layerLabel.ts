// A layer's Dockerfile step as a short label that fits a 300 px side bar next to its size:
// `COPY …/model.safetensors`, `RUN pip install torch`, not the engine's `created_by`
// (`/bin/sh -c #(nop) COPY file:<64 hex> in /opt/app/model.safetensors`). The full string stays in
// the tooltip. Two builders write `created_by`:
//   legacy:   `/bin/sh -c #(nop) COPY file:<hash> in /dst`, `/bin/sh -c <command>` (a RUN),
//             `|2 A=1 B=2 /bin/sh -c <command>` (a RUN with two build args)
//   BuildKit: `COPY src /dst/ # buildkit`, `RUN /bin/sh -c <command> # buildkit`,
//             `RUN |2 A=1 B=2 /bin/sh -c <command> # buildkit`
import { t } from '../../l10n';

/** Longest label; a longer one ends in "…". */
export const LAYER_LABEL_MAX = 30;
/** A destination path up to this long is shown whole; a longer one as `…/<last part>`. */
const PATH_MAX = 12;
/** `…/<folder>/<name>` up to this long keeps the folder. */
const TWO_PARTS_MAX = 16;

/** The short label of a layer's `created_by` (see the file comment). */
export function shortInstruction(createdBy: string, max = LAYER_LABEL_MAX): string {
  let s = createdBy.trim().replace(/\s+/g, ' ').replace(/ # buildkit$/, '');
  const nop = s.match(/^\/bin\/sh -c #\(nop\) ?(.*)$/);
  if (nop) s = nop[1].trim();
  else if (/^(?:\|\d+ |\/\S*sh )/.test(s)) s = `RUN ${s}`;
  if (!s) return t('(imported filesystem)');
  const [, verb, rest = ''] = s.match(/^(\S+)(?: (.*))?$/) ?? [];
  const label = verb === 'RUN' ? runLabel(rest) : verb === 'COPY' || verb === 'ADD' ? copyLabel(verb, rest) : s;
  return label.length > max ? label.slice(0, max - 1).trimEnd() + '…' : label;
}

/** `RUN <command>` without the shell, build args and `set -eux;` preamble. */
function runLabel(rest: string): string {
  let cmd = rest.replace(/^\|\d+ (?:\S+=\S* )*/, '');
  // `/bin/sh -c`, `/bin/bash -o pipefail -c` (a SHELL instruction): everything up to the first -c.
  cmd = cmd.replace(/^\/\S*sh(?: (?!-c )\S+)* -c /, '');
  cmd = cmd.replace(/^set -[a-z]+ ?(?:;|&&) ?/, '');
  return `RUN ${cmd}`;
}

/** `COPY …/model.safetensors`: where the files land, the source named only when it is one file into a folder. */
function copyLabel(verb: string, rest: string): string {
  const words = rest.split(' ');
  // --from names the stage or image the files come from: worth keeping; --chown, --chmod, --link are not.
  const from = words.find((w) => w.startsWith('--from='));
  const args = words.filter((w) => !w.startsWith('--'));
  let dest: string;
  if (args.length >= 3 && args[args.length - 2] === 'in' && /^(?:file|dir|multi):/.test(args[0])) {
    // Legacy: the source is a content hash, meaningless to the user.
    dest = args[args.length - 1];
  } else if (args.length >= 2) {
    dest = args[args.length - 1];
    const sources = args.slice(0, -1);
    const one = sources.length === 1 ? sources[0].replace(/\/+$/, '') : '';
    if (dest.endsWith('/') && one && one !== '.' && !/[*?[]/.test(one)) dest += one.slice(one.lastIndexOf('/') + 1);
  } else {
    dest = args[0] ?? '';
  }
  if (dest === '/' && verb === 'ADD') return t('ADD … / (base image)');
  return [verb, from, shortPath(dest)].filter(Boolean).join(' ');
}

/**
 * `/workspace` stays; `/srv/one/same.dat` becomes `…/one/same.dat` (the folder tells two copies
 * apart) when that is short; `/opt/app/model.safetensors` becomes `…/model.safetensors`.
 */
function shortPath(p: string): string {
  if (p.length <= PATH_MAX) return p;
  const slash = p.endsWith('/') ? '/' : '';
  const parts = p.replace(/\/+$/, '').split('/').filter(Boolean);
  const last = parts[parts.length - 1];
  if (!last) return p;
  const two = parts.length >= 2 ? `…/${parts[parts.length - 2]}/${last}${slash}` : '';
  if (two && two.length <= TWO_PARTS_MAX && two.length < p.length) return two;
  return `…/${last}${slash}`;
}
