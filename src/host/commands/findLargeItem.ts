// ML Disk Space: Find Large Item… — a quick pick over every item of the model, largest first,
// filtered by name, path or category as you type; the pick is revealed in the tree.
import * as vscode from 'vscode';
import { formatBytes } from '../../core/format';
import type { CommandSpec } from '../services';
import { REFRESH } from '../refreshTriggers';

const MAX_PICKS = 2000;

interface ItemPick extends vscode.QuickPickItem {
  itemId: string;
}

export const findLargeItemCommand: CommandSpec = {
  id: 'mlDiskSpace.findLargeItem',
  async run(s) {
    if (!s.scans.model) {
      const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Nothing scanned yet.'), vscode.l10n.t('Scan Now'));
      if (choice) await s.scans.scan({ reason: REFRESH.findLargeItem, notify: true });
      if (!s.scans.model) return undefined;
    }
    const picks: ItemPick[] = s.tree
      .allItems()
      .sort((a, b) => b.item.bytes - a.item.bytes)
      .slice(0, MAX_PICKS)
      .map((n) => ({
        itemId: n.item.id,
        label: n.item.label,
        description: `${formatBytes(n.item.bytes)} · ${n.category.label}`,
        detail: n.item.path,
      }));
    const pick = await vscode.window.showQuickPick(picks, {
      title: vscode.l10n.t('Find Large Item'),
      placeHolder: vscode.l10n.t('Type to filter by name, path or category; largest first'),
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!pick) return undefined;
    await s.tree.revealItem(pick.itemId);
    return pick.itemId;
  },
};
