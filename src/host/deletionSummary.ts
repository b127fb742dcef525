// The sentence after a deletion says what happened, where, and what it left:
//   "Deleted checkpoint-600 from deberta-v3-cls-run2: 79.6 MB freed — /data now 79.3 GB free"
// No vscode here (unit-tested); the Reclaimer finds the names (targets and their parent rows in the
// scan) and the volume after the deletion.
import { formatBytes, formatCount } from '../core/format';
import { t } from '../core/l10n';

export interface DeletedThing {
  /** Short name: the row's label ("checkpoint-600"), else the file name. */
  name: string;
  /** The row it was under ("deberta-v3-cls-run2"), when the scan had one. */
  parent?: string;
}

const NAMED = 3;

/** "checkpoint-600 from run2", "a, b and c from run2", "a, b, c and 4 more", "7 items". */
export function deletedWhat(things: DeletedThing[]): string {
  if (!things.length) return formatCount(0, 'item');
  const names = things.map((x) => x.name);
  const shown = names.length <= NAMED ? joinNames(names) : t('{0} and {1} more', names.slice(0, NAMED).join(', '), names.length - NAMED);
  const parents = new Set(things.map((x) => x.parent ?? ''));
  const parent = parents.size === 1 ? [...parents][0] : '';
  return parent ? t('{0} from {1}', shown, parent) : shown;
}

function joinNames(names: string[]): string {
  if (names.length === 1) return names[0];
  return t('{0} and {1}', names.slice(0, -1).join(', '), names[names.length - 1]);
}

export interface SummaryInput {
  deleted: DeletedThing[];
  deletedBytes: number;
  trashed: DeletedThing[];
  trashedBytes: number;
  cancelled: boolean;
  /** The volume after the deletion: its mount point and the bytes available now. */
  volume?: { mountPoint: string; availableBytes: number };
}

/** The one line shown after a deletion (without a final period). */
export function deletionSummary(input: SummaryInput): string {
  const parts: string[] = [];
  if (input.deleted.length || !input.trashed.length) {
    parts.push(t('Deleted {0}: {1} freed', deletedWhat(input.deleted), formatBytes(input.deletedBytes)));
  }
  if (input.trashed.length) {
    parts.push(t('Moved {0} to the trash: {1}, freed when the trash is emptied', deletedWhat(input.trashed), formatBytes(input.trashedBytes)));
  }
  let line = parts.join('; ');
  if (input.volume) line += ' — ' + t('{0} now {1} free', input.volume.mountPoint, formatBytes(input.volume.availableBytes));
  return input.cancelled ? t('Cancelled. {0} before stopping', line) : line;
}
