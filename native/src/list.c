// listFolder(path): one folder's entries and their lstat fields in one call — the syscall part of
// the JS walker's per-folder loop (src/core/walker/walkUnit.ts readFolder), done with one open of
// the folder, getdents64 into a large buffer and fstatat relative to the folder's descriptor
// (instead of readdir, then one lstat of a full path per entry, each a JS -> C++ call and a path
// walk in the kernel). The JS walker keeps everything else: threads, aggregation, hard links.
//
// Returns { names: string[], stats: Float64Array } with LIST_FIELDS numbers per entry:
//   [dev, mode, nlink, ino, size, blocks, mtimeMs, atimeMs]
// (times as Node computes fs.Stats' mtimeMs: sec * 1e3 + nsec / 1e6), mode = -errno where the
// entry's fstatat failed (e.g. it vanished). Returns undefined when a name is not valid UTF-8
// (the caller reads that folder its own way). Throws an Error with .code (errno name) when the
// folder cannot be opened or read.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define LIST_FIELDS 8
#define LIST_BUFFER (256 * 1024)

static _Thread_local char *dents; // one buffer per thread (each JS worker thread calls from its own)

static int valid_utf8(const unsigned char *s) {
  while (*s) {
    unsigned char c = *s;
    if (c < 0x80) { s++; continue; }
    int n = (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : -1;
    if (n < 0 || (c == 0xc0 || c == 0xc1) || c > 0xf4) return 0;
    for (int i = 1; i <= n; i++) if ((s[i] & 0xc0) != 0x80) return 0;
    // Overlong 3/4-byte forms and surrogates: V8 would replace them, so the name would not round-trip.
    if (n == 2 && ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0))) return 0;
    if (n == 3 && ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))) return 0;
    s += n + 1;
  }
  return 1;
}

static napi_value throw_errno(napi_env env, int code, const char *syscall_name, const char *path) {
  const char *name = strerrorname_np(code);
  char message[512];
  snprintf(message, sizeof message, "%s: %s, %s '%s'", name ? name : "EUNKNOWN", strerror(code), syscall_name, path);
  napi_value msg, err, code_value;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, NULL, msg, &err);
  napi_create_string_utf8(env, name ? name : "EUNKNOWN", NAPI_AUTO_LENGTH, &code_value);
  napi_set_named_property(env, err, "code", code_value);
  napi_throw(env, err);
  return NULL;
}

typedef struct {
  char **names;
  size_t count, cap;
} names_t;

napi_value mlds_list_folder(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_valuetype type;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_typeof(env, argv[0], &type) != napi_ok || type != napi_string) {
    napi_throw_type_error(env, NULL, "listFolder(path): path must be a string");
    return NULL;
  }
  char path[PATH_MAX];
  size_t len;
  napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len);
  if (len >= sizeof path - 1) return throw_errno(env, ENAMETOOLONG, "open", "");
  if (dents == NULL && (dents = malloc(LIST_BUFFER)) == NULL) return throw_errno(env, ENOMEM, "malloc", path);

  int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return throw_errno(env, errno, "scandir", path);

  // Names first (the folder's whole listing), then one fstatat each.
  names_t list = { NULL, 0, 0 };
  char *pool = NULL;
  size_t pool_len = 0, pool_cap = 0;
  size_t *offsets = NULL;
  int failed = 0, bad_name = 0;
  for (;;) {
    long n = syscall(SYS_getdents64, fd, dents, LIST_BUFFER);
    if (n == 0) break;
    if (n < 0) { failed = errno; break; }
    for (long off = 0; off < n;) {
      struct dirent64 *d = (struct dirent64 *)(dents + off);
      off += d->d_reclen;
      const char *name = d->d_name;
      if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
      if (!valid_utf8((const unsigned char *)name)) bad_name = 1;
      size_t l = strlen(name) + 1;
      if (pool_len + l > pool_cap) {
        size_t cap = pool_cap ? pool_cap * 2 : 16384;
        while (cap < pool_len + l) cap *= 2;
        char *p = realloc(pool, cap);
        if (p == NULL) { failed = ENOMEM; break; }
        pool = p; pool_cap = cap;
      }
      if (list.count == list.cap) {
        size_t cap = list.cap ? list.cap * 2 : 256;
        size_t *o = realloc(offsets, cap * sizeof(size_t));
        if (o == NULL) { failed = ENOMEM; break; }
        offsets = o; list.cap = cap;
      }
      memcpy(pool + pool_len, name, l);
      offsets[list.count++] = pool_len;
      pool_len += l;
    }
    if (failed) break;
  }
  if (failed || bad_name) {
    close(fd);
    free(pool);
    free(offsets);
    if (failed) return throw_errno(env, failed, "scandir", path);
    napi_value undefined;
    napi_get_undefined(env, &undefined);
    return undefined;
  }

  napi_value names, buffer, stats, result;
  double *fields;
  if (napi_create_array_with_length(env, list.count, &names) != napi_ok
      || napi_create_arraybuffer(env, list.count * LIST_FIELDS * sizeof(double), (void **)&fields, &buffer) != napi_ok
      || napi_create_typedarray(env, napi_float64_array, list.count * LIST_FIELDS, buffer, 0, &stats) != napi_ok) {
    close(fd);
    free(pool);
    free(offsets);
    napi_throw_error(env, NULL, "listFolder: out of memory");
    return NULL;
  }
  for (size_t i = 0; i < list.count; i++) {
    const char *name = pool + offsets[i];
    napi_value s;
    napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, names, (uint32_t)i, s);
    double *f = fields + i * LIST_FIELDS;
    struct stat st;
    if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      memset(f, 0, LIST_FIELDS * sizeof(double));
      f[1] = -(double)errno;
      continue;
    }
    f[0] = (double)st.st_dev;
    f[1] = (double)st.st_mode;
    f[2] = (double)st.st_nlink;
    f[3] = (double)st.st_ino;
    f[4] = (double)st.st_size;
    f[5] = (double)st.st_blocks;
    f[6] = (double)st.st_mtim.tv_sec * 1e3 + (double)st.st_mtim.tv_nsec / 1e6;
    f[7] = (double)st.st_atim.tv_sec * 1e3 + (double)st.st_atim.tv_nsec / 1e6;
  }
  close(fd);
  free(pool);
  free(offsets);
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "names", names);
  napi_set_named_property(env, result, "stats", stats);
  return result;
}
