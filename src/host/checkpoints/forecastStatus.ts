// Runs that will not fit: after each scan (or restored scan), the checkpoint forecasts that run out
// of space turn the free-space status item to warning, with the runs in its tooltip; cleared when
// no run is short any more. The forecast itself is on the run's row (description and tooltip).
import * as vscode from 'vscode';
import { forecastWarnings, type RunForecast } from '../../core/categories/checkpoints';
import type { ScanModel } from '../../core/model';
import type { HostFeature } from '../services';

/** "training/run-a needs ~138 GB more to finish; 43 GB free — runs out near step 5600" (several: counted, each listed). */
export function forecastWarningText(runs: RunForecast[]): string | undefined {
  if (!runs.length) return undefined;
  const lines = runs.map((r) => `${r.label} ${r.forecast.message}`);
  return runs.length === 1 ? lines[0] : vscode.l10n.t('{0} training runs will not fit: {1}', runs.length, lines.join('; '));
}

export const checkpointForecastFeature: HostFeature = (s) => {
  let shown: string | undefined;
  const apply = (model: ScanModel | undefined) => {
    const text = forecastWarningText(model ? forecastWarnings(model) : []);
    if (text === shown) return;
    // Only clear what this feature set (never someone else's warning).
    if (text || shown) s.status.setForecastWarning(text);
    if (text) s.log.warn(`Checkpoint forecast: ${text}`);
    else s.log.info('Checkpoint forecast: every run fits again');
    shown = text;
  };
  apply(s.scans.model);
  const sub: vscode.Disposable = s.scans.onDidChangeModel((state) => apply(state?.model));
  return sub;
};
