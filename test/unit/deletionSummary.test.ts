// The sentence after a deletion: what went (short names, the row they were under), the bytes freed
// and the volume's free space after — never "Reclaimed 79.6 MB (1 item)".
import * as assert from 'assert';
import { formatBytes } from '../../src/core/format';
import { deletedWhat, deletionSummary } from '../../src/host/deletionSummary';

describe('deletion summary', () => {
  const run = 'deberta-v3-cls-run2';

  it('one checkpoint: its name, its run, the bytes and the volume after', () => {
    const bytes = 79_600_000;
    const free = 79_300_000_000;
    assert.strictEqual(
      deletionSummary({ deleted: [{ name: 'checkpoint-600', parent: run }], deletedBytes: bytes, trashed: [], trashedBytes: 0, cancelled: false, volume: { mountPoint: '/data', availableBytes: free } }),
      `Deleted checkpoint-600 from ${run}: ${formatBytes(bytes)} freed — /data now ${formatBytes(free)} free`,
    );
  });

  it('names up to three, then counts; one shared parent is named once; mixed parents are not named', () => {
    const ck = (n: number, parent = run) => ({ name: `checkpoint-${n}`, parent });
    assert.strictEqual(deletedWhat([ck(1), ck(2)]), `checkpoint-1 and checkpoint-2 from ${run}`);
    assert.strictEqual(deletedWhat([ck(1), ck(2), ck(3)]), `checkpoint-1, checkpoint-2 and checkpoint-3 from ${run}`);
    assert.strictEqual(deletedWhat([ck(1), ck(2), ck(3), ck(4), ck(5)]), `checkpoint-1, checkpoint-2, checkpoint-3 and 2 more from ${run}`);
    assert.strictEqual(deletedWhat([ck(1), ck(2, 'other-run')]), 'checkpoint-1 and checkpoint-2');
    assert.strictEqual(deletedWhat([{ name: 'tmp.bin' }]), 'tmp.bin');
  });

  it('trash: says the space returns when the trash is emptied; cancelled says so', () => {
    const line = deletionSummary({ deleted: [], deletedBytes: 0, trashed: [{ name: 'old-run' }], trashedBytes: 2048, cancelled: true });
    assert.strictEqual(line, `Cancelled. Moved old-run to the trash: ${formatBytes(2048)}, freed when the trash is emptied before stopping`);
  });
});
