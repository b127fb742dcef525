// Adversarial (issue 16, class 6): names holding C0/C1 controls and bidi overrides cannot forge
// human output. The real CLI plans retention over a run whose folder name carries ESC / CR /
// newline and text that would, printed raw, turn "delete" lines into "kept … (best)" lines.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { displayLines, displayText, hasUnsafeDisplayChars } from '../../src/core/displayText';
import { runCli } from '../support/runCli';

const C0 = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i));
const C1 = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(0x80 + i));
const BIDI = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069].map((c) => String.fromCharCode(c));
const ALL = [...C0, '\x7f', ...C1, ...BIDI];

/** No raw control or bidi character in `text` except the line breaks between lines. */
function assertClean(text: string): void {
  for (const line of text.split('\n')) {
    for (const ch of ALL) assert.ok(!line.includes(ch), `U+${ch.charCodeAt(0).toString(16).padStart(4, '0')} in output line ${JSON.stringify(line)}`);
  }
}

describe('adversarial: names that forge output', function () {
  this.timeout(120_000);

  it('displayText escapes every C0 and C1 control, DEL and bidi override, and keeps other text', () => {
    for (const ch of ALL) {
      const shown = displayText(`a${ch}b`);
      assert.ok(!shown.includes(ch), `U+${ch.charCodeAt(0).toString(16)} kept`);
      assert.ok(shown.startsWith('a\\') && shown.endsWith('b'), shown);
      assert.ok(hasUnsafeDisplayChars(`a${ch}b`));
    }
    assert.strictEqual(displayText('checkpoint-é 模型 🙂 C:\\runs'), 'checkpoint-é 模型 🙂 C:\\runs');
    assert.strictEqual(displayText('a\nb\rc\x1b[2K\u202e'), 'a\\nb\\rc\\x1b[2K\\u202e');
    assert.strictEqual(displayLines(['one\ntwo', 'three']), 'one\\ntwo\nthree');
  });

  it('plan/apply retention: a run named with ESC/CR/newline cannot make deleted lines read as kept', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-forged-'));
    try {
      const forged = 'run\r\x1b[2K     kept  /fake/checkpoint-1  (best)\n     kept\u202e' + ALL.join('');
      const run = path.join(dir, forged.replace(/\//g, '_').replace(/\0/g, ''));
      for (const step of [1, 2, 3, 4]) {
        const c = path.join(run, `checkpoint-${step}`);
        fs.mkdirSync(c, { recursive: true });
        fs.writeFileSync(path.join(c, 'model.safetensors'), Buffer.alloc(10_000 * step, 1));
        fs.writeFileSync(path.join(c, 'trainer_state.json'), JSON.stringify({ global_step: step, best_metric: 0.5, best_model_checkpoint: path.join(run, 'checkpoint-2'), log_history: [] }));
        // Three days old: not a run in progress.
        const old = new Date(Date.now() - 86_400_000 * 3);
        for (const f of fs.readdirSync(c)) fs.utimesSync(path.join(c, f), old, old);
        fs.utimesSync(c, old, old);
      }
      fs.utimesSync(run, new Date(Date.now() - 86_400_000 * 3), new Date(Date.now() - 86_400_000 * 3));
      const r = await runCli(['plan', 'retention', '--keep-best', '0', dir], { env: { PATH: process.env.PATH, HOME: process.env.HOME, XDG_STATE_HOME: process.env.XDG_STATE_HOME }, cwd: dir });
      assert.strictEqual(r.status, 0, r.stderr);
      assertClean(r.stdout);
      assertClean(r.stderr);
      // One output line per planned deletion and per kept checkpoint: nothing forged extra lines.
      const lines = r.stdout.split('\n');
      const deleted = lines.filter((l) => /^\s+\d[\d.]* [kMG]?B\s/.test(l));
      const kept = lines.filter((l) => /^\s+kept\s/.test(l));
      assert.ok(deleted.length >= 1, r.stdout);
      assert.strictEqual(deleted.length + kept.length, 4, `4 checkpoints, 4 lines:\n${r.stdout}`);
      for (const l of kept) assert.match(l, /checkpoint-[1-4]\s+\(/, `a kept line names a real checkpoint: ${l}`);
      assert.ok(!kept.some((l) => l.includes('/fake/checkpoint-1')), 'the forged "kept" text is not a line of its own');
      // scan text too.
      const s = await runCli(['scan', dir, '--no-docker'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, XDG_STATE_HOME: process.env.XDG_STATE_HOME }, cwd: dir });
      assert.strictEqual(s.status, 0, s.stderr);
      assertClean(s.stdout);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
