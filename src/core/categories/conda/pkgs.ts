// Splits a walked package cache (pkgs/) the way `conda clean` does (conda/cli/main_clean.py):
//   - tarballs: files directly in pkgs/ ending in .tar.bz2 or .conda, and the leftovers of conda's
//     downloader, *.tar.bz2.partial / *.conda.partial (conda >= 26.1 cleans those, no longer *.part);
//   - packages: folders holding info/; a package is in use when any file in it has a link count
//     > 1 (an env hard-links it), else it is unused and `conda clean -p` removes it;
//   - everything else (cache/ index, urls.txt, .trash/, ...) is "other".
// Pure: works on the walker's node for the pkgs folder, walked first so its hard-linked files are
// counted here and show as shared in the envs.

import type { WalkNode } from '../../walker/types';

export const CONDA_TARBALL_SUFFIXES = ['.tar.bz2', '.conda', '.tar.bz2.partial', '.conda.partial'];

export function isTarballName(name: string): boolean {
  return CONDA_TARBALL_SUFFIXES.some((s) => name.endsWith(s));
}

export interface PkgsSplit {
  tarballs: WalkNode[];
  unused: WalkNode[];
  inUse: WalkNode[];
  other: WalkNode[];
  /** Bytes of the pkgs folder entry itself (and anything not listed as a child). */
  folderBytes: number;
  folderApparentBytes: number;
}

export function splitPkgs(node: WalkNode): PkgsSplit {
  const split: PkgsSplit = { tarballs: [], unused: [], inUse: [], other: [], folderBytes: 0, folderApparentBytes: 0 };
  let childBytes = 0, childApparent = 0;
  for (const child of node.children ?? []) {
    childBytes += child.bytes;
    childApparent += child.apparentBytes;
    if (child.type !== 'dir') {
      if (isTarballName(child.name) && (child.type === 'file' || child.type === 'symlink')) split.tarballs.push(child);
      else split.other.push(child);
      continue;
    }
    const info = child.children?.find((c) => c.name === 'info');
    if (!info || info.type !== 'dir') split.other.push(child);
    else if (child.hardLinkedFiles > 0) split.inUse.push(child);
    else split.unused.push(child);
  }
  split.folderBytes = node.bytes - childBytes;
  split.folderApparentBytes = node.apparentBytes - childApparent;
  return split;
}
