// A systemd service + timer that runs `ml-disk-space metrics` periodically. A user unit (in
// ~/.config/systemd/user) needs no root and scans the user's own home; a system unit runs as the
// user named in it. The unit carries the environment the caches are found from (HOME, HF_HOME, ...)
// as it was when the units were written, so the timer scans what the user saw.

export const UNIT_NAME = 'ml-disk-space-metrics';

/** Variables the scanners locate caches and the Docker engine from. */
export const CARRIED_ENV = [
  'HOME', 'XDG_CACHE_HOME', 'HF_HOME', 'HF_HUB_CACHE', 'HUGGINGFACE_HUB_CACHE', 'HF_DATASETS_CACHE', 'HF_XET_CACHE',
  'PIP_CACHE_DIR', 'UV_CACHE_DIR', 'TORCH_HOME', 'CONDA_PREFIX', 'CONDA_EXE', 'MAMBA_ROOT_PREFIX', 'DOCKER_HOST',
];

export interface TimerUnitsRequest {
  /** The node binary and the CLI script: the unit must not depend on PATH. */
  node: string;
  cli: string;
  /** Arguments after `metrics` (paths, --output, flags), as given. */
  args: string[];
  intervalMinutes: number;
  /** 'user': ~/.config/systemd/user; 'system': /etc/systemd/system with User=. */
  scope: 'user' | 'system';
  /** For a system unit: the account it runs as. */
  user?: string;
  env: Record<string, string | undefined>;
}

/**
 * One word of ExecStart= / Environment=: systemd splits on whitespace, unquotes "…" with C-style
 * escapes, expands %-specifiers (and, in ExecStart, $VARIABLES). Quoted whenever it holds anything
 * but plain characters; control characters become \xNN.
 */
export function systemdQuote(word: string, { dollars }: { dollars: boolean }): string {
  let out = word.replace(/%/g, '%%');
  if (dollars) out = out.replace(/\$/g, '$$$$');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(out)) return out;
  out = out.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
    .replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `"${out}"`;
}

/** systemd refuses to run a program whose own path holds these (the arguments may hold anything). */
export const UNRUNNABLE_PROGRAM_PATH = /["'\\\x00-\x1f\x7f]/;

export function serviceUnit(request: TimerUnitsRequest): string {
  if (UNRUNNABLE_PROGRAM_PATH.test(request.node)) throw new Error(`systemd cannot run a program whose path holds quotes, backslashes or control characters: ${JSON.stringify(request.node)}`);
  // $VARIABLE expansion applies to the arguments, not to the program's path.
  const exec = [systemdQuote(request.node, { dollars: false }), ...[request.cli, 'metrics', ...request.args].map((w) => systemdQuote(w, { dollars: true }))].join(' ');
  const env = CARRIED_ENV.filter((k) => request.env[k]).map((k) => `Environment=${systemdQuote(`${k}=${request.env[k]}`, { dollars: false })}`);
  return [
    '# Written by `ml-disk-space metrics --install-timer` (see docs/METRICS.md of ml-disk-space).',
    '[Unit]',
    'Description=ML Disk Space: export disk usage metrics for Prometheus',
    '',
    '[Service]',
    'Type=oneshot',
    ...(request.scope === 'system' && request.user ? [`User=${systemdQuote(request.user, { dollars: false })}`] : []),
    ...env,
    // A scan reads much and writes one small file: let interactive work go first.
    'Nice=10',
    'IOSchedulingClass=idle',
    `ExecStart=${exec}`,
    '',
  ].join('\n');
}

export function timerUnit(request: TimerUnitsRequest): string {
  return [
    '# Written by `ml-disk-space metrics --install-timer` (see docs/METRICS.md of ml-disk-space).',
    '[Unit]',
    'Description=ML Disk Space: export disk usage metrics periodically',
    '',
    '[Timer]',
    'OnBootSec=2min',
    `OnUnitActiveSec=${request.intervalMinutes}min`,
    // Timers of many boxes started together do not all scan at the same second.
    'RandomizedDelaySec=30s',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
}

/** What to run after writing the units. */
export function enableCommands(scope: 'user' | 'system'): string[] {
  const ctl = scope === 'user' ? 'systemctl --user' : 'systemctl';
  const lines = [`${ctl} daemon-reload`, `${ctl} enable --now ${UNIT_NAME}.timer`];
  if (scope === 'user') lines.push('loginctl enable-linger "$USER"   # keep it running while you are logged out');
  return lines;
}
