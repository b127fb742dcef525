// mlds_walk: a native tree walker, measured against the JS walker (src/core/walker/) — see
// native/README.md for what it is for and what the measurements decided.
//
// One walk sizes one root the way the JS walker's hot path does: disk usage (st_blocks x 512) and
// apparent size (st_size), each hard-linked inode counted once (by (dev, ino)), files
// (non-directories, symlinks included) and folders, never following symlinks, never crossing into
// another filesystem below the root (like `du -x`; the mount point is reported as an error with
// code 'mount-point', as the JS walker does).
//
// Syscalls: each folder is opened relative to its parent's descriptor (openat), read with
// getdents64 into a large buffer, and every entry is stat'ed relative to the folder's descriptor
// (fstatat, AT_SYMLINK_NOFOLLOW), so the kernel never walks a full path per entry.
//
// Threads: a small work-stealing pool (pthreads). Each thread keeps a deque of folders to read;
// it pushes the subfolders it finds and pops the newest one (depth first, few open descriptors);
// an idle thread steals the oldest folder of another thread's deque (the shallowest, likely the
// largest subtree). The walk ends when no folder is queued or being read.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <node_api.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_THREADS 64
#define MAX_KEPT_ERRORS 200
#define DENTS_BUFFER (128 * 1024)
#define INODE_STRIPES 64

// ---------------------------------------------------------------------------------------------
// Hard-linked inodes seen, shared by the threads: an open-addressing set per stripe.

typedef struct {
  pthread_mutex_t lock;
  uint64_t *keys; // pairs (dev, ino); ino 0 never occurs for a real file, dev+ino==0 marks empty
  size_t cap;     // slots (pairs), a power of two
  size_t used;
} stripe_t;

typedef struct {
  stripe_t stripes[INODE_STRIPES];
} inode_set_t;

static uint64_t mix(uint64_t x) {
  x ^= x >> 33; x *= 0xff51afd7ed558ccdULL; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL; x ^= x >> 33;
  return x;
}

static void inode_set_init(inode_set_t *s) {
  for (int i = 0; i < INODE_STRIPES; i++) {
    pthread_mutex_init(&s->stripes[i].lock, NULL);
    s->stripes[i].keys = NULL; s->stripes[i].cap = 0; s->stripes[i].used = 0;
  }
}

static void inode_set_free(inode_set_t *s) {
  for (int i = 0; i < INODE_STRIPES; i++) {
    free(s->stripes[i].keys);
    pthread_mutex_destroy(&s->stripes[i].lock);
  }
}

static int stripe_insert(uint64_t *keys, size_t cap, uint64_t dev, uint64_t ino, uint64_t h) {
  size_t mask = cap - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    uint64_t *k = keys + 2 * i;
    if (k[0] == 0 && k[1] == 0) { k[0] = dev; k[1] = ino; return 1; }
    if (k[0] == dev && k[1] == ino) return 0;
  }
}

/** 1 if (dev, ino) was not in the set (it is now), 0 if it was, -1 when out of memory. */
static int inode_set_add(inode_set_t *s, uint64_t dev, uint64_t ino) {
  if (dev == 0 && ino == 0) ino = UINT64_MAX; // keep the empty-slot marker free
  uint64_t h = mix(dev * 0x9e3779b97f4a7c15ULL ^ ino);
  stripe_t *st = &s->stripes[h % INODE_STRIPES];
  h /= INODE_STRIPES;
  pthread_mutex_lock(&st->lock);
  if ((st->used + 1) * 4 > st->cap * 3) {
    size_t cap = st->cap ? st->cap * 2 : 1024;
    uint64_t *keys = calloc(cap, 2 * sizeof(uint64_t));
    if (keys == NULL) { pthread_mutex_unlock(&st->lock); return -1; }
    for (size_t i = 0; i < st->cap; i++) {
      uint64_t *k = st->keys + 2 * i;
      if (k[0] != 0 || k[1] != 0) stripe_insert(keys, cap, k[0], k[1], mix(k[0] * 0x9e3779b97f4a7c15ULL ^ k[1]) / INODE_STRIPES);
    }
    free(st->keys);
    st->keys = keys; st->cap = cap;
  }
  int added = stripe_insert(st->keys, st->cap, dev, ino, h);
  st->used += added;
  pthread_mutex_unlock(&st->lock);
  return added;
}

// ---------------------------------------------------------------------------------------------
// Folders and the work to do.

/** An open folder; its descriptor stays open while subfolders still have to be opened relative to it. */
typedef struct dir_s {
  int fd;
  atomic_int refs;
  char *path;
  size_t len;
} dir_t;

/** A folder to read: its path (owned) and the open parent it is opened relative to (NULL: by path). */
typedef struct {
  dir_t *parent;
  char *path;
  size_t len;
} job_t;

typedef struct {
  pthread_mutex_t lock;
  job_t *items;
  size_t head, tail, cap; // items[head..tail) are queued; the owner pops at tail, thieves take at head
} deque_t;

typedef struct {
  char *path;
  int code; // errno, or -1 for 'mount-point'
} walk_error_t;

struct walk_s;

typedef struct {
  struct walk_s *walk;
  int index;
  pthread_t thread;
  deque_t deque;
  char *buffer;
  // This thread's totals (summed when the walk ends).
  double bytes, apparent, shared;
  double files, dirs, hard_linked;
  double mtime_ms, atime_ms;
} worker_t;

typedef struct walk_s {
  // Input
  char *root;
  int threads;
  int one_file_system;
  int32_t *cancel; // cancelled when *cancel != 0 (an Int32Array over a SharedArrayBuffer), or NULL
  napi_ref cancel_ref;
  // State
  dev_t root_dev;
  inode_set_t inodes;
  worker_t workers[MAX_THREADS];
  pthread_mutex_t idle_lock;
  pthread_cond_t idle_cond;
  atomic_long outstanding; // folders queued or being read
  atomic_int idle;
  atomic_int cancelled;
  pthread_mutex_t error_lock;
  walk_error_t errors[MAX_KEPT_ERRORS];
  int kept_errors;
  long error_count;
  int out_of_memory;
  // Result
  double bytes, apparent, shared, files, dirs, hard_linked, mtime_ms, atime_ms;
  double duration_ms;
  // N-API
  napi_async_work work;
  napi_deferred deferred;
} walk_t;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void add_error(walk_t *w, const char *path, int code) {
  pthread_mutex_lock(&w->error_lock);
  w->error_count++;
  if (w->kept_errors < MAX_KEPT_ERRORS) {
    char *copy = strdup(path);
    if (copy != NULL) {
      w->errors[w->kept_errors].path = copy;
      w->errors[w->kept_errors].code = code;
      w->kept_errors++;
    }
  }
  pthread_mutex_unlock(&w->error_lock);
}

static char *join(const char *dir, size_t dir_len, const char *name, size_t *out_len) {
  size_t name_len = strlen(name);
  int slash = dir_len > 0 && dir[dir_len - 1] != '/';
  char *p = malloc(dir_len + slash + name_len + 1);
  if (p == NULL) return NULL;
  memcpy(p, dir, dir_len);
  if (slash) p[dir_len] = '/';
  memcpy(p + dir_len + slash, name, name_len + 1);
  *out_len = dir_len + slash + name_len;
  return p;
}

static void dir_release(dir_t *d) {
  if (d == NULL) return;
  if (atomic_fetch_sub(&d->refs, 1) == 1) {
    close(d->fd);
    free(d->path);
    free(d);
  }
}

static int deque_push(deque_t *q, job_t job) {
  pthread_mutex_lock(&q->lock);
  if (q->tail == q->cap) {
    if (q->head > 0) {
      memmove(q->items, q->items + q->head, (q->tail - q->head) * sizeof(job_t));
      q->tail -= q->head; q->head = 0;
    }
    if (q->tail == q->cap) {
      size_t cap = q->cap ? q->cap * 2 : 256;
      job_t *items = realloc(q->items, cap * sizeof(job_t));
      if (items == NULL) { pthread_mutex_unlock(&q->lock); return 0; }
      q->items = items; q->cap = cap;
    }
  }
  q->items[q->tail++] = job;
  pthread_mutex_unlock(&q->lock);
  return 1;
}

static int deque_pop(deque_t *q, job_t *out) {
  pthread_mutex_lock(&q->lock);
  int got = q->tail > q->head;
  if (got) *out = q->items[--q->tail];
  pthread_mutex_unlock(&q->lock);
  return got;
}

static int deque_steal(deque_t *q, job_t *out) {
  if (pthread_mutex_trylock(&q->lock) != 0) return 0;
  int got = q->tail > q->head;
  if (got) *out = q->items[q->head++];
  pthread_mutex_unlock(&q->lock);
  return got;
}

static int is_cancelled(walk_t *w) {
  if (atomic_load_explicit(&w->cancelled, memory_order_relaxed)) return 1;
  if (w->cancel != NULL && __atomic_load_n(w->cancel, __ATOMIC_RELAXED) != 0) {
    atomic_store(&w->cancelled, 1);
    return 1;
  }
  return 0;
}

/** Queues a folder on this thread's deque and wakes an idle thread to steal it. */
static void schedule(worker_t *me, job_t job) {
  walk_t *w = me->walk;
  atomic_fetch_add(&w->outstanding, 1);
  if (!deque_push(&me->deque, job)) {
    w->out_of_memory = 1;
    add_error(w, job.path, ENOMEM);
    dir_release(job.parent);
    free(job.path);
    atomic_fetch_sub(&w->outstanding, 1);
    return;
  }
  if (atomic_load_explicit(&w->idle, memory_order_relaxed) > 0) {
    pthread_mutex_lock(&w->idle_lock);
    pthread_cond_signal(&w->idle_cond);
    pthread_mutex_unlock(&w->idle_lock);
  }
}

static inline double ms_of(struct timespec t) { return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }

/** Reads one folder: sizes its entries, queues its subfolders. Takes ownership of the job. */
static void read_folder(worker_t *me, job_t job) {
  walk_t *w = me->walk;
  int fd = -1;
  if (job.parent != NULL) {
    const char *name = job.path + job.parent->len + (job.parent->path[job.parent->len - 1] != '/');
    fd = openat(job.parent->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && (errno == EMFILE || errno == ENFILE)) fd = -2;
  }
  if (job.parent == NULL || fd == -2) fd = open(job.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  dir_release(job.parent);
  if (fd < 0) {
    add_error(w, job.path, errno);
    free(job.path);
    return;
  }
  dir_t *self = malloc(sizeof(dir_t));
  if (self == NULL) {
    close(fd);
    w->out_of_memory = 1;
    add_error(w, job.path, ENOMEM);
    free(job.path);
    return;
  }
  self->fd = fd;
  atomic_init(&self->refs, 1);
  self->path = job.path;
  self->len = job.len;

  const int one_fs = w->one_file_system;
  const dev_t root_dev = w->root_dev;
  double bytes = 0, apparent = 0, shared = 0, files = 0, dirs = 0, hard = 0;
  double mtime = me->mtime_ms, atime = me->atime_ms;
  char *buf = me->buffer;
  for (;;) {
    long n = syscall(SYS_getdents64, fd, buf, DENTS_BUFFER);
    if (n == 0) break;
    if (n < 0) {
      add_error(w, self->path, errno);
      break;
    }
    if (is_cancelled(w)) break;
    for (long off = 0; off < n;) {
      struct dirent64 *d = (struct dirent64 *)(buf + off);
      off += d->d_reclen;
      const char *name = d->d_name;
      if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
      struct stat st;
      if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        int code = errno;
        size_t len;
        char *p = join(self->path, self->len, name, &len);
        add_error(w, p != NULL ? p : self->path, code);
        free(p);
        continue;
      }
      double mt = ms_of(st.st_mtim), at = ms_of(st.st_atim);
      if (mt > mtime) mtime = mt;
      if (at > atime) atime = at;
      double disk = (double)st.st_blocks * 512;
      if (S_ISDIR(st.st_mode)) {
        size_t len;
        char *p = join(self->path, self->len, name, &len);
        if (p == NULL) { w->out_of_memory = 1; add_error(w, self->path, ENOMEM); continue; }
        if (one_fs && st.st_dev != root_dev) {
          add_error(w, p, -1);
          free(p);
          continue;
        }
        dirs++;
        bytes += disk;
        apparent += (double)st.st_size;
        atomic_fetch_add(&self->refs, 1);
        schedule(me, (job_t){ .parent = self, .path = p, .len = len });
        continue;
      }
      files++;
      if (st.st_nlink > 1) {
        hard++;
        int added = inode_set_add(&w->inodes, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
        if (added < 0) w->out_of_memory = 1;
        if (added == 0) { shared += disk; continue; }
      }
      bytes += disk;
      apparent += (double)st.st_size;
    }
  }
  me->bytes += bytes; me->apparent += apparent; me->shared += shared;
  me->files += files; me->dirs += dirs; me->hard_linked += hard;
  me->mtime_ms = mtime; me->atime_ms = atime;
  dir_release(self);
}

/** Takes the next folder: this thread's newest, else another thread's oldest. */
static int next_job(worker_t *me, job_t *out) {
  if (deque_pop(&me->deque, out)) return 1;
  walk_t *w = me->walk;
  for (int k = 1; k < w->threads; k++) {
    if (deque_steal(&w->workers[(me->index + k) % w->threads].deque, out)) return 1;
  }
  return 0;
}

static void *worker_main(void *arg) {
  worker_t *me = arg;
  walk_t *w = me->walk;
  me->buffer = malloc(DENTS_BUFFER);
  if (me->buffer == NULL) { w->out_of_memory = 1; atomic_store(&w->cancelled, 1); }
  for (;;) {
    job_t job;
    if (next_job(me, &job)) {
      if (me->buffer == NULL || is_cancelled(w)) { dir_release(job.parent); free(job.path); }
      else read_folder(me, job);
      if (atomic_fetch_sub(&w->outstanding, 1) == 1) {
        pthread_mutex_lock(&w->idle_lock);
        pthread_cond_broadcast(&w->idle_cond);
        pthread_mutex_unlock(&w->idle_lock);
      }
      continue;
    }
    if (atomic_load(&w->outstanding) == 0) break;
    // Nothing to steal right now: sleep until a folder is queued (or 2 ms, in case a wake-up was missed).
    pthread_mutex_lock(&w->idle_lock);
    atomic_fetch_add(&w->idle, 1);
    if (atomic_load(&w->outstanding) != 0) {
      struct timespec until;
      clock_gettime(CLOCK_REALTIME, &until);
      until.tv_nsec += 2000000;
      if (until.tv_nsec >= 1000000000) { until.tv_sec++; until.tv_nsec -= 1000000000; }
      pthread_cond_timedwait(&w->idle_cond, &w->idle_lock, &until);
    }
    atomic_fetch_sub(&w->idle, 1);
    pthread_mutex_unlock(&w->idle_lock);
  }
  free(me->buffer);
  return NULL;
}

/** The whole walk (on a libuv thread; the JS thread is free meanwhile). */
static void walk_run(walk_t *w) {
  double t0 = now_ms();
  char *root = realpath(w->root, NULL); // a root given as a symlink is followed; nothing below it is
  if (root == NULL) { add_error(w, w->root, errno); w->duration_ms = now_ms() - t0; return; }
  struct stat st;
  if (lstat(root, &st) != 0) { add_error(w, root, errno); free(root); w->duration_ms = now_ms() - t0; return; }
  w->root_dev = st.st_dev;
  w->mtime_ms = ms_of(st.st_mtim);
  w->atime_ms = ms_of(st.st_atim);
  if (!S_ISDIR(st.st_mode)) {
    w->files = 1;
    if (st.st_nlink > 1) {
      w->hard_linked = 1;
      inode_set_add(&w->inodes, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
    }
    w->bytes = (double)st.st_blocks * 512;
    w->apparent = (double)st.st_size;
    free(root);
    w->duration_ms = now_ms() - t0;
    return;
  }
  w->dirs = 1;
  w->bytes = (double)st.st_blocks * 512;
  w->apparent = (double)st.st_size;
  for (int i = 0; i < w->threads; i++) {
    worker_t *me = &w->workers[i];
    memset(me, 0, sizeof(*me));
    me->walk = w;
    me->index = i;
    pthread_mutex_init(&me->deque.lock, NULL);
  }
  atomic_store(&w->outstanding, 1);
  deque_push(&w->workers[0].deque, (job_t){ .parent = NULL, .path = root, .len = strlen(root) });
  int started = 0;
  for (int i = 0; i < w->threads; i++) {
    if (pthread_create(&w->workers[i].thread, NULL, worker_main, &w->workers[i]) != 0) break;
    started++;
  }
  if (started == 0) worker_main(&w->workers[0]); // no thread could start: walk on this one
  for (int i = 0; i < started; i++) pthread_join(w->workers[i].thread, NULL);
  for (int i = 0; i < w->threads; i++) {
    worker_t *me = &w->workers[i];
    w->bytes += me->bytes; w->apparent += me->apparent; w->shared += me->shared;
    w->files += me->files; w->dirs += me->dirs; w->hard_linked += me->hard_linked;
    if (me->mtime_ms > w->mtime_ms) w->mtime_ms = me->mtime_ms;
    if (me->atime_ms > w->atime_ms) w->atime_ms = me->atime_ms;
    // A cancelled walk leaves folders queued: release them.
    job_t job;
    while (deque_pop(&me->deque, &job)) { dir_release(job.parent); free(job.path); }
    free(me->deque.items);
    pthread_mutex_destroy(&me->deque.lock);
  }
  w->duration_ms = now_ms() - t0;
}

// ---------------------------------------------------------------------------------------------
// N-API: walk(root, { threads, oneFileSystem, cancel }) -> Promise<totals>

#define CHECK(call)                                                                   \
  do {                                                                                \
    if ((call) != napi_ok) {                                                          \
      napi_throw_error(env, NULL, "mlds_walk: N-API call failed: " #call);            \
      return NULL;                                                                    \
    }                                                                                 \
  } while (0)

static void execute(napi_env env, void *data) {
  (void)env;
  walk_run(data);
}

static void set_number(napi_env env, napi_value obj, const char *key, double value) {
  napi_value v;
  napi_create_double(env, value, &v);
  napi_set_named_property(env, obj, key, v);
}

static void walk_free(napi_env env, walk_t *w) {
  for (int i = 0; i < w->kept_errors; i++) free(w->errors[i].path);
  if (w->cancel_ref != NULL) napi_delete_reference(env, w->cancel_ref);
  inode_set_free(&w->inodes);
  pthread_mutex_destroy(&w->idle_lock);
  pthread_cond_destroy(&w->idle_cond);
  pthread_mutex_destroy(&w->error_lock);
  free(w->root);
  free(w);
}

static void complete(napi_env env, napi_status status, void *data) {
  walk_t *w = data;
  napi_value result, errors;
  napi_create_object(env, &result);
  set_number(env, result, "bytes", w->bytes);
  set_number(env, result, "apparentBytes", w->apparent);
  set_number(env, result, "sharedBytes", w->shared);
  set_number(env, result, "files", w->files);
  set_number(env, result, "dirs", w->dirs);
  set_number(env, result, "hardLinkedFiles", w->hard_linked);
  set_number(env, result, "mtimeMs", w->mtime_ms);
  set_number(env, result, "atimeMs", w->atime_ms);
  set_number(env, result, "errorCount", (double)w->error_count);
  set_number(env, result, "durationMs", w->duration_ms);
  set_number(env, result, "threads", w->threads);
  napi_value flag;
  napi_get_boolean(env, atomic_load(&w->cancelled) != 0, &flag);
  napi_set_named_property(env, result, "cancelled", flag);
  napi_get_boolean(env, w->out_of_memory != 0, &flag);
  napi_set_named_property(env, result, "outOfMemory", flag);
  napi_create_array_with_length(env, w->kept_errors, &errors);
  for (int i = 0; i < w->kept_errors; i++) {
    napi_value e, s;
    napi_create_object(env, &e);
    napi_create_string_utf8(env, w->errors[i].path, NAPI_AUTO_LENGTH, &s);
    napi_set_named_property(env, e, "path", s);
    const char *code = w->errors[i].code < 0 ? "mount-point" : strerrorname_np(w->errors[i].code);
    napi_create_string_utf8(env, code != NULL ? code : "EUNKNOWN", NAPI_AUTO_LENGTH, &s);
    napi_set_named_property(env, e, "code", s);
    napi_set_element(env, errors, i, e);
  }
  napi_set_named_property(env, result, "errors", errors);
  if (status == napi_ok) napi_resolve_deferred(env, w->deferred, result);
  else {
    napi_value msg, err;
    napi_create_string_utf8(env, "mlds_walk: the walk did not run", NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &err);
    napi_reject_deferred(env, w->deferred, err);
  }
  napi_delete_async_work(env, w->work);
  walk_free(env, w);
}

static napi_value walk(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_valuetype type;
  if (argc < 1 || napi_typeof(env, argv[0], &type) != napi_ok || type != napi_string) {
    napi_throw_type_error(env, NULL, "walk(root, options?): root must be a string");
    return NULL;
  }
  size_t len;
  CHECK(napi_get_value_string_utf8(env, argv[0], NULL, 0, &len));
  walk_t *w = calloc(1, sizeof(walk_t));
  if (w == NULL) { napi_throw_error(env, NULL, "mlds_walk: out of memory"); return NULL; }
  w->root = malloc(len + 1);
  if (w->root == NULL) { free(w); napi_throw_error(env, NULL, "mlds_walk: out of memory"); return NULL; }
  napi_get_value_string_utf8(env, argv[0], w->root, len + 1, &len);
  w->threads = 2;
  w->one_file_system = 1;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  if (cores > 0) w->threads = cores > 16 ? 16 : (int)cores;
  if (argc >= 2 && napi_typeof(env, argv[1], &type) == napi_ok && type == napi_object) {
    napi_value v;
    bool has;
    if (napi_has_named_property(env, argv[1], "threads", &has) == napi_ok && has) {
      int32_t n;
      napi_get_named_property(env, argv[1], "threads", &v);
      if (napi_get_value_int32(env, v, &n) == napi_ok && n >= 1) w->threads = n > MAX_THREADS ? MAX_THREADS : n;
    }
    if (napi_has_named_property(env, argv[1], "oneFileSystem", &has) == napi_ok && has) {
      bool b;
      napi_get_named_property(env, argv[1], "oneFileSystem", &v);
      if (napi_get_value_bool(env, v, &b) == napi_ok) w->one_file_system = b;
    }
    if (napi_has_named_property(env, argv[1], "cancel", &has) == napi_ok && has) {
      // An Int32Array (over a SharedArrayBuffer): the walk stops when its first element is not 0.
      bool is_typed;
      napi_get_named_property(env, argv[1], "cancel", &v);
      if (napi_is_typedarray(env, v, &is_typed) == napi_ok && is_typed) {
        napi_typedarray_type ttype;
        size_t length;
        void *data;
        napi_get_typedarray_info(env, v, &ttype, &length, &data, NULL, NULL);
        if (ttype == napi_int32_array && length >= 1) {
          w->cancel = data;
          napi_create_reference(env, v, 1, &w->cancel_ref); // keeps the memory alive during the walk
        }
      }
    }
  }
  inode_set_init(&w->inodes);
  pthread_mutex_init(&w->idle_lock, NULL);
  pthread_cond_init(&w->idle_cond, NULL);
  pthread_mutex_init(&w->error_lock, NULL);
  napi_value promise, name;
  CHECK(napi_create_promise(env, &w->deferred, &promise));
  CHECK(napi_create_string_utf8(env, "mlds_walk", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_async_work(env, NULL, name, execute, complete, w, &w->work));
  CHECK(napi_queue_async_work(env, w->work));
  return promise;
}

napi_value mlds_list_folder(napi_env env, napi_callback_info info); // list.c

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_value fn;
  if (napi_create_function(env, "walk", NAPI_AUTO_LENGTH, walk, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "walk", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "listFolder", NAPI_AUTO_LENGTH, mlds_list_folder, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "listFolder", fn) != napi_ok) return NULL;
  return exports;
}
