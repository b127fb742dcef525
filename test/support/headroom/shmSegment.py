# A process that makes a /dev/shm-style segment the way PyTorch and multiprocessing do (a 0600
# file in the shm folder), for test/unit/shmLeftovers.test.ts.
#   shmSegment.py DIR NAME SIZE exit    write it and exit (a leftover of a process that is gone)
#   shmSegment.py DIR NAME SIZE map     map it, close the fd, stay alive (a live DataLoader batch)
#   shmSegment.py DIR NAME SIZE fd      keep only an open fd, stay alive
#   shmSegment.py DIR NAME 0 attach     map an existing segment, stay alive
# NAME may hold {pid}. Prints "ready PATH" once the segment is in place.
import mmap
import os
import sys
import time

folder, name, size, mode = sys.argv[1], sys.argv[2].replace('{pid}', str(os.getpid())), int(sys.argv[3]), sys.argv[4]
path = os.path.join(folder, name)
if mode == 'attach':
    fd = os.open(path, os.O_RDWR)
    m = mmap.mmap(fd, os.fstat(fd).st_size)
    os.close(fd)
else:
    fd = os.open(path, os.O_CREAT | os.O_RDWR | os.O_EXCL, 0o600)
    os.write(fd, os.urandom(size))
    if mode == 'map':
        m = mmap.mmap(fd, size)
        os.close(fd)
    elif mode == 'exit':
        os.close(fd)
print('ready', path, flush=True)
if mode != 'exit':
    time.sleep(600)
