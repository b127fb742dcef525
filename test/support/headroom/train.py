# A stand-in training process for test/unit/oomKill.test.ts.
#   train.py grow   allocate memory 8 MiB at a time (pages touched) until the OOM killer ends it
#   train.py idle ADJ   set its own oom_score_adj to ADJ (raising needs no privilege), hold 32 MiB, wait
import sys
import time

if sys.argv[1] == 'grow':
    held = []
    for i in range(256):
        held.append(bytearray(b'\x01' * (8 << 20)))
        print('allocated', (i + 1) * 8, 'MiB', flush=True)
    print('not killed', flush=True)
    sys.exit(3)
else:
    with open('/proc/self/oom_score_adj', 'w') as f:
        f.write(sys.argv[2])
    held = bytearray(b'\x01' * (32 << 20))
    print('ready', flush=True)
    time.sleep(600)
