// A row's own icon where its state matters more than its kind: a checkpoint's retention verdict
// (its badges say it in words), a Docker container running or stopped (as the Docker extension
// shows them). No vscode here (unit-tested); render.ts makes the ThemeIcon.
import type { Item } from '../../core/model';

export interface StateIcon {
  /** A codicon id. */
  id: string;
  /** A theme color id, when the state deserves one. */
  color?: string;
}

const CHECKPOINT_BADGE_ICONS: [string, string][] = [['incomplete', 'warning'], ['best', 'star-full'], ['last', 'debug-step-over'], ['would delete', 'trash']];

/** Docker container states (`State` of GET /containers/json) to icons; anything else is stopped. */
const CONTAINER_STATE_ICONS: Record<string, StateIcon> = {
  running: { id: 'vm-running', color: 'charts.green' },
  restarting: { id: 'vm-running', color: 'charts.yellow' },
  paused: { id: 'debug-pause', color: 'charts.yellow' },
  dead: { id: 'vm-outline', color: 'charts.red' },
};
const STOPPED_CONTAINER: StateIcon = { id: 'vm-outline' };

/** The icon for the item's state, or undefined when its kind's icon says it all. */
export function stateIconOf(item: Item): StateIcon | undefined {
  if (item.kind === 'checkpoint') {
    const badges = item.badges ?? [];
    const id = CHECKPOINT_BADGE_ICONS.find(([badge]) => badges.includes(badge))?.[1];
    return id ? { id } : undefined;
  }
  if (item.kind === 'docker-container') {
    const state = typeof item.fields?.state === 'string' ? item.fields.state : '';
    return CONTAINER_STATE_ICONS[state] ?? STOPPED_CONTAINER;
  }
  return undefined;
}
