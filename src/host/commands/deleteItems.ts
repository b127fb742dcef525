// Delete — the generic deletion of selected tree items that the scan walked (workspace folders
// and files, and any reclaimable folder/file/link with a recorded identity). Builds a plan from
// the model only, then goes through the shared reclaim flow (one modal confirmation with the
// exact bytes, re-validation of every target, summary, rescan).
import * as vscode from 'vscode';
import type { Item } from '../../core/model';
import { planForItems } from '../itemsPlan';
import type { ReclaimResult } from '../reclaim';
import type { CommandSpec } from '../services';

export const deleteItemsCommand: CommandSpec = {
  id: 'mlDiskSpace.deleteItems',
  async run(s, clicked, selection): Promise<ReclaimResult | undefined> {
    const model = s.scans.model;
    if (!model) return undefined;
    const items: Item[] = s.tree.nodesFromArgs(clicked, selection).flatMap((n) => (n.type === 'item' ? [n.item] : []));
    if (!items.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select the folders or files to delete in the ML Disk Space view.'));
      return undefined;
    }
    const { plan, refused, coveredByParent } = planForItems(items, model);
    for (const r of refused) s.log.info(`Delete: left out ${r.label}${r.path ? ` (${r.path})` : ''}: ${r.reason}`);
    for (const p of coveredByParent) s.log.info(`Delete: ${p} is inside another selected folder; counted once`);
    if (!plan) {
      const why = refused.map((r) => `${r.label}: ${r.reason}`).join('; ');
      void s.prompts.notifier.warn(vscode.l10n.t('Nothing can be deleted this way. {0}', why));
      return undefined;
    }
    if (refused.length) {
      plan.warnings = [...(plan.warnings ?? []), vscode.l10n.t('Not included: {0}', refused.map((r) => `${r.label} (${r.reason})`).join('; '))];
    }
    return s.reclaimer.executePlan(plan);
  },
};
