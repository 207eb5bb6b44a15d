/*
 * stagecraft-sys: the few Linux system calls stagecraft needs and Node.js does not offer, as a
 * Node-API addon: mount(2), umount2(2), reading and writing extended attributes (l*xattr), the
 * top-directory flag of ext2/3/4 directories (FS_IOC_GETFLAGS/SETFLAGS), and two loops that would
 * otherwise cost a thread-pool round trip per call: unmounting a stack of mounts and removing a
 * directory tree.
 *
 * Without it, stagecraft runs mount(8), umount(8), getfattr and setfattr for each of these, a
 * process per call (5-10 ms each from a Node process with a large heap; a RUN step needs three,
 * a COPY four). Every call here but markTopDir (two quick ioctls) runs on libuv's thread pool and
 * returns a promise, so a slow mount or a large tree never blocks the event loop. Errors carry
 * the errno name in `code` (EPERM, EBUSY, ...), the number in `errno` and the call and path in the
 * message, as Node's own fs errors do. src/native/sys.ts loads this file and falls back to the
 * tools when it is missing.
 */
#define _GNU_SOURCE /* pipe2, POSIX_SPAWN_SETSID */
#define NAPI_VERSION 8
#include <node_api.h>
#include <uv.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

/* ---- small helpers ---------------------------------------------------------------------------- */

#define CHECK(env, call)                                                                          \
  do {                                                                                            \
    if ((call) != napi_ok) {                                                                      \
      napi_throw_error((env), NULL, "stagecraft-sys: Node-API call failed: " #call);              \
      return NULL;                                                                                \
    }                                                                                             \
  } while (0)

/* A growable byte buffer (paths, name lists, attribute values). */
typedef struct {
  char *data;
  size_t len;
  size_t cap;
} buf_t;

static int buf_reserve(buf_t *b, size_t need) {
  if (need <= b->cap) return 0;
  size_t cap = b->cap == 0 ? 256 : b->cap;
  while (cap < need) cap *= 2;
  char *next = realloc(b->data, cap);
  if (next == NULL) return -1;
  b->data = next;
  b->cap = cap;
  return 0;
}

static int buf_append(buf_t *b, const void *bytes, size_t n) {
  if (buf_reserve(b, b->len + n) != 0) return -1;
  memcpy(b->data + b->len, bytes, n);
  b->len += n;
  return 0;
}

/* A JS string argument as a NUL-terminated heap copy (NULL for undefined/null when allowed). */
static char *string_arg(napi_env env, napi_value value, int optional, const char *what) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return NULL;
  if (optional && (type == napi_undefined || type == napi_null)) return NULL;
  if (type != napi_string) {
    char message[128];
    snprintf(message, sizeof message, "stagecraft-sys: %s must be a string", what);
    napi_throw_type_error(env, NULL, message);
    return NULL;
  }
  size_t len = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &len) != napi_ok) return NULL;
  char *out = malloc(len + 1);
  if (out == NULL) {
    napi_throw_error(env, NULL, "stagecraft-sys: out of memory");
    return NULL;
  }
  if (napi_get_value_string_utf8(env, value, out, len + 1, &len) != napi_ok) {
    free(out);
    return NULL;
  }
  return out;
}

/* An Error like Node's fs errors: "<syscall> <path>: <strerror>", with code, errno, syscall, path. */
static napi_value errno_error(napi_env env, int err, const char *syscall, const char *path) {
  const char *name = uv_err_name(-err);
  char message[4200];
  snprintf(message, sizeof message, "%s: %s, %s '%s'", name, uv_strerror(-err), syscall, path != NULL ? path : "");
  napi_value msg, code, error, number, call, where;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg);
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, msg, &error);
  napi_set_named_property(env, error, "code", code);
  napi_create_int32(env, -err, &number);
  napi_set_named_property(env, error, "errno", number);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &call);
  napi_set_named_property(env, error, "syscall", call);
  if (path != NULL) {
    napi_create_string_utf8(env, path, NAPI_AUTO_LENGTH, &where);
    napi_set_named_property(env, error, "path", where);
  }
  return error;
}

/* ---- one job type for every call: arguments in, work on the pool, promise out ------------------ */

typedef enum { JOB_MOUNT, JOB_UMOUNT, JOB_UMOUNT_ALL, JOB_READ_XATTRS, JOB_WRITE_XATTRS, JOB_REMOVE_TREE, JOB_WAIT } job_kind;

/* One attribute read or to write: which path (index into the job's paths), its name and value. */
typedef struct {
  size_t path;
  char *name;
  char *value;
  size_t size;
} attr_t;

typedef struct {
  job_kind kind;
  napi_deferred deferred;
  napi_async_work work;
  /* mount / umount */
  char *source, *target, *fstype, *data;
  unsigned long flags;
  /* umountAll: how many mounts it took off (more than `flags` of them: it gave up) */
  unsigned long count;
  /* waitProcess: the child and its wait status */
  pid_t pid;
  int status;
  /* xattrs: the paths given (read) or every path an attribute was found on or goes to */
  char **paths;
  size_t path_count, path_cap;
  attr_t *attrs;
  size_t attr_count, attr_cap;
  int recursive;
  /* write: the index of each attribute that failed, and its errno */
  size_t *failed;
  int *failed_errno;
  size_t failed_count;
  /* the result */
  int err;
  const char *syscall;
  char *err_path;
} job_t;

static void job_free(job_t *job) {
  free(job->source);
  free(job->target);
  free(job->fstype);
  free(job->data);
  for (size_t i = 0; i < job->path_count; i++) free(job->paths[i]);
  free(job->paths);
  for (size_t i = 0; i < job->attr_count; i++) {
    free(job->attrs[i].name);
    free(job->attrs[i].value);
  }
  free(job->attrs);
  free(job->failed);
  free(job->failed_errno);
  free(job->err_path);
  free(job);
}

static int job_add_path(job_t *job, const char *path, size_t len) {
  if (job->path_count == job->path_cap) {
    size_t cap = job->path_cap == 0 ? 16 : job->path_cap * 2;
    char **next = realloc(job->paths, cap * sizeof *next);
    if (next == NULL) return -1;
    job->paths = next;
    job->path_cap = cap;
  }
  char *copy = malloc(len + 1);
  if (copy == NULL) return -1;
  memcpy(copy, path, len);
  copy[len] = '\0';
  job->paths[job->path_count++] = copy;
  return 0;
}

static int job_add_attr(job_t *job, size_t path, const char *name, char *value, size_t size) {
  if (job->attr_count == job->attr_cap) {
    size_t cap = job->attr_cap == 0 ? 16 : job->attr_cap * 2;
    attr_t *next = realloc(job->attrs, cap * sizeof *next);
    if (next == NULL) return -1;
    job->attrs = next;
    job->attr_cap = cap;
  }
  char *name_copy = strdup(name);
  if (name_copy == NULL) return -1;
  job->attrs[job->attr_count++] = (attr_t){path, name_copy, value, size};
  return 0;
}

static void job_fail(job_t *job, int err, const char *syscall, const char *path) {
  job->err = err;
  job->syscall = syscall;
  job->err_path = path != NULL ? strdup(path) : NULL;
}

/* ---- reading xattrs (getfattr -R -P -h -d -m - semantics) ------------------------------------ */

/*
 * The attributes of the path in `path` (not following a symlink). Missing files, file systems
 * without xattrs and attributes that vanish meanwhile are skipped, as getfattr skips them; only
 * running out of memory fails the job.
 */
static int read_attrs_of(job_t *job, buf_t *path, buf_t *names) {
  ssize_t size;
  for (;;) {
    size = llistxattr(path->data, NULL, 0);
    if (size <= 0) return 0;
    if (buf_reserve(names, (size_t)size) != 0) return -1;
    size = llistxattr(path->data, names->data, names->cap);
    if (size >= 0) break;
    if (errno != ERANGE) return 0; /* the list grew meanwhile: ask again */
  }
  size_t index = job->path_count;
  int added = 0;
  for (ssize_t at = 0; at < size;) {
    const char *name = names->data + at;
    size_t name_len = strlen(name);
    at += (ssize_t)name_len + 1;
    char *value = NULL;
    ssize_t value_size;
    for (;;) {
      value_size = lgetxattr(path->data, name, NULL, 0);
      if (value_size < 0) break;
      char *next = realloc(value, value_size == 0 ? 1 : (size_t)value_size);
      if (next == NULL) {
        free(value);
        return -1;
      }
      value = next;
      ssize_t got = lgetxattr(path->data, name, value, (size_t)value_size);
      if (got >= 0) {
        value_size = got;
        break;
      }
      if (errno != ERANGE) {
        value_size = -1;
        break;
      }
    }
    if (value_size < 0) {
      free(value);
      continue;
    }
    if (!added) {
      if (job_add_path(job, path->data, path->len) != 0) {
        free(value);
        return -1;
      }
      added = 1;
    }
    if (job_add_attr(job, index, name, value, (size_t)value_size) != 0) {
      free(value);
      return -1;
    }
  }
  return 0;
}

/* `path` (NUL-terminated, len without the NUL) and, when recursive and a directory, all below. */
static int read_tree(job_t *job, buf_t *path, buf_t *names, int is_dir) {
  if (read_attrs_of(job, path, names) != 0) return -1;
  if (!job->recursive || !is_dir) return 0;
  DIR *dir = opendir(path->data);
  if (dir == NULL) return 0; /* unreadable: skipped, as getfattr does */
  size_t base = path->len;
  struct dirent *entry;
  int result = 0;
  while ((entry = readdir(dir)) != NULL) {
    const char *name = entry->d_name;
    if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
    path->len = base;
    size_t name_len = strlen(name);
    int needs_slash = base > 0 && path->data[base - 1] != '/';
    if (buf_reserve(path, base + needs_slash + name_len + 1) != 0) {
      result = -1;
      break;
    }
    if (needs_slash) path->data[path->len++] = '/';
    memcpy(path->data + path->len, name, name_len + 1);
    path->len += name_len;
    int child_dir = entry->d_type == DT_DIR;
    if (entry->d_type == DT_UNKNOWN) {
      struct stat st;
      child_dir = lstat(path->data, &st) == 0 && S_ISDIR(st.st_mode);
    }
    if (read_tree(job, path, names, child_dir) != 0) {
      result = -1;
      break;
    }
  }
  closedir(dir);
  path->len = base;
  path->data[base] = '\0';
  return result;
}

static void read_xattrs_execute(job_t *job) {
  size_t roots = job->path_count;
  char **given = job->paths;
  job->paths = NULL;
  job->path_count = 0;
  job->path_cap = 0;
  buf_t path = {0}, names = {0};
  for (size_t i = 0; i < roots && job->err == 0; i++) {
    path.len = 0;
    if (buf_append(&path, given[i], strlen(given[i]) + 1) != 0) {
      job_fail(job, ENOMEM, "llistxattr", given[i]);
      break;
    }
    path.len -= 1;
    struct stat st;
    if (lstat(path.data, &st) != 0) continue; /* a missing path has no attributes */
    if (read_tree(job, &path, &names, S_ISDIR(st.st_mode)) != 0) job_fail(job, ENOMEM, "llistxattr", given[i]);
  }
  for (size_t i = 0; i < roots; i++) free(given[i]);
  free(given);
  free(path.data);
  free(names.data);
}

/* ---- removing a tree, unmounting a stack ------------------------------------------------------- */

/*
 * Removes everything inside the directory open as `dirfd` (which it closes), never following a
 * symlink and never entering a directory on another device (a mount point: that fails with EXDEV
 * instead of reaching into the mounted file system). `path` holds the directory's path for error
 * messages and is restored before returning.
 */
static int empty_dir(job_t *job, int dirfd, dev_t dev, buf_t *path) {
  DIR *dir = fdopendir(dirfd);
  if (dir == NULL) {
    job_fail(job, errno, "fdopendir", path->data);
    close(dirfd);
    return -1;
  }
  size_t base = path->len;
  int result = 0;
  for (;;) {
    errno = 0;
    struct dirent *entry = readdir(dir);
    if (entry == NULL) {
      if (errno != 0) {
        job_fail(job, errno, "readdir", path->data);
        result = -1;
      }
      break;
    }
    const char *name = entry->d_name;
    if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
    path->len = base;
    if (buf_append(path, "/", 1) != 0 || buf_append(path, name, strlen(name) + 1) != 0) {
      job_fail(job, ENOMEM, "unlinkat", NULL);
      result = -1;
      break;
    }
    path->len -= 1;
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;
      job_fail(job, errno, "fstatat", path->data);
      result = -1;
      break;
    }
    if (S_ISDIR(st.st_mode)) {
      if (st.st_dev != dev) {
        job_fail(job, EXDEV, "rmdir", path->data);
        result = -1;
        break;
      }
      int child = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child < 0) {
        job_fail(job, errno, "openat", path->data);
        result = -1;
        break;
      }
      if (empty_dir(job, child, dev, path) != 0) {
        result = -1;
        break;
      }
      if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT) {
        job_fail(job, errno, "rmdir", path->data);
        result = -1;
        break;
      }
    } else if (unlinkat(dirfd, name, 0) != 0 && errno != ENOENT) {
      job_fail(job, errno, "unlink", path->data);
      result = -1;
      break;
    }
  }
  path->len = base;
  path->data[base] = '\0';
  closedir(dir);
  return result;
}

/* rm -rf PATH on one file system: a missing path is no error. */
static void remove_tree_execute(job_t *job) {
  struct stat st;
  if (lstat(job->target, &st) != 0) {
    if (errno != ENOENT) job_fail(job, errno, "lstat", job->target);
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    if (unlink(job->target) != 0 && errno != ENOENT) job_fail(job, errno, "unlink", job->target);
    return;
  }
  int fd = open(job->target, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    job_fail(job, errno, "open", job->target);
    return;
  }
  buf_t path = {0};
  if (buf_append(&path, job->target, strlen(job->target) + 1) != 0) {
    close(fd);
    job_fail(job, ENOMEM, "rmdir", job->target);
    return;
  }
  path.len -= 1;
  if (empty_dir(job, fd, st.st_dev, &path) == 0 && rmdir(job->target) != 0 && errno != ENOENT) job_fail(job, errno, "rmdir", job->target);
  free(path.data);
}

/*
 * Takes every mount stacked on the target off (umount -l where one is busy), at most job->flags of
 * them; job->count says how many went (one more than the limit: more were stacked).
 */
static void umount_all_execute(job_t *job) {
  unsigned long limit = job->flags;
  while (job->count <= limit) {
    if (umount2(job->target, 0) == 0) {
      job->count++;
      continue;
    }
    if (errno == EINVAL || errno == ENOENT) return;
    if (errno != EBUSY) {
      job_fail(job, errno, "umount2", job->target);
      return;
    }
    if (umount2(job->target, MNT_DETACH) != 0) {
      if (errno != EINVAL) job_fail(job, errno, "umount2", job->target);
      return;
    }
    job->count++;
  }
}

/* ---- the pool side and the promise side -------------------------------------------------------- */

static void execute(napi_env env, void *data) {
  (void)env;
  job_t *job = data;
  switch (job->kind) {
    case JOB_MOUNT:
      if (mount(job->source, job->target, job->fstype, job->flags, job->data) != 0) job_fail(job, errno, "mount", job->target);
      break;
    case JOB_UMOUNT:
      if (umount2(job->target, (int)job->flags) != 0) job_fail(job, errno, "umount2", job->target);
      break;
    case JOB_UMOUNT_ALL:
      umount_all_execute(job);
      break;
    case JOB_REMOVE_TREE:
      remove_tree_execute(job);
      break;
    case JOB_WAIT: {
      pid_t done;
      do {
        done = waitpid(job->pid, &job->status, 0);
      } while (done < 0 && errno == EINTR);
      if (done < 0) job_fail(job, errno, "waitpid", NULL);
      break;
    }
    case JOB_READ_XATTRS:
      read_xattrs_execute(job);
      break;
    case JOB_WRITE_XATTRS:
      job->failed = calloc(job->attr_count == 0 ? 1 : job->attr_count, sizeof *job->failed);
      job->failed_errno = calloc(job->attr_count == 0 ? 1 : job->attr_count, sizeof *job->failed_errno);
      if (job->failed == NULL || job->failed_errno == NULL) {
        job_fail(job, ENOMEM, "lsetxattr", NULL);
        break;
      }
      for (size_t i = 0; i < job->attr_count; i++) {
        attr_t *attr = &job->attrs[i];
        if (lsetxattr(job->paths[attr->path], attr->name, attr->value, attr->size, 0) != 0) {
          job->failed[job->failed_count] = i;
          job->failed_errno[job->failed_count] = errno;
          job->failed_count++;
        }
      }
      break;
  }
}

/* [[path, [[name, Buffer], ...]], ...] for every path that has attributes. */
static napi_value read_result(napi_env env, job_t *job) {
  napi_value result;
  if (napi_create_array_with_length(env, job->path_count, &result) != napi_ok) return NULL;
  size_t attr = 0;
  for (size_t p = 0; p < job->path_count; p++) {
    napi_value pair, path, list;
    napi_create_array_with_length(env, 2, &pair);
    napi_create_string_utf8(env, job->paths[p], NAPI_AUTO_LENGTH, &path);
    napi_create_array(env, &list);
    uint32_t n = 0;
    for (; attr < job->attr_count && job->attrs[attr].path == p; attr++) {
      napi_value item, name, value;
      void *bytes;
      napi_create_array_with_length(env, 2, &item);
      napi_create_string_utf8(env, job->attrs[attr].name, NAPI_AUTO_LENGTH, &name);
      napi_create_buffer_copy(env, job->attrs[attr].size, job->attrs[attr].size > 0 ? job->attrs[attr].value : "", &bytes, &value);
      napi_set_element(env, item, 0, name);
      napi_set_element(env, item, 1, value);
      napi_set_element(env, list, n++, item);
    }
    napi_set_element(env, pair, 0, path);
    napi_set_element(env, pair, 1, list);
    napi_set_element(env, result, (uint32_t)p, pair);
  }
  return result;
}

/* [[index, Error], ...]: the attributes (by their index in the request) that could not be set. */
static napi_value write_result(napi_env env, job_t *job) {
  napi_value result;
  if (napi_create_array_with_length(env, job->failed_count, &result) != napi_ok) return NULL;
  for (size_t i = 0; i < job->failed_count; i++) {
    attr_t *attr = &job->attrs[job->failed[i]];
    napi_value pair, index;
    napi_create_array_with_length(env, 2, &pair);
    napi_create_uint32(env, (uint32_t)job->failed[i], &index);
    napi_set_element(env, pair, 0, index);
    napi_set_element(env, pair, 1, errno_error(env, job->failed_errno[i], "lsetxattr", job->paths[attr->path]));
    napi_set_element(env, result, (uint32_t)i, pair);
  }
  return result;
}

/* { code, signal }: the exit code (null when a signal ended it) and the signal number (else null). */
static napi_value wait_result(napi_env env, int status) {
  napi_value result, code, sig;
  if (napi_create_object(env, &result) != napi_ok) return NULL;
  napi_get_null(env, &code);
  napi_get_null(env, &sig);
  if (WIFEXITED(status)) napi_create_int32(env, WEXITSTATUS(status), &code);
  else if (WIFSIGNALED(status)) napi_create_int32(env, WTERMSIG(status), &sig);
  napi_set_named_property(env, result, "code", code);
  napi_set_named_property(env, result, "signal", sig);
  return result;
}

static void complete(napi_env env, napi_status status, void *data) {
  job_t *job = data;
  if (status != napi_ok) {
    napi_value msg, error;
    napi_create_string_utf8(env, "stagecraft-sys: the call was cancelled", NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &error);
    napi_reject_deferred(env, job->deferred, error);
  } else if (job->err != 0) {
    napi_reject_deferred(env, job->deferred, errno_error(env, job->err, job->syscall, job->err_path));
  } else {
    napi_value value = NULL;
    if (job->kind == JOB_READ_XATTRS) value = read_result(env, job);
    else if (job->kind == JOB_WRITE_XATTRS) value = write_result(env, job);
    else if (job->kind == JOB_UMOUNT_ALL) napi_create_double(env, (double)job->count, &value);
    else if (job->kind == JOB_WAIT) value = wait_result(env, job->status);
    if (value == NULL) napi_get_undefined(env, &value);
    napi_resolve_deferred(env, job->deferred, value);
  }
  napi_delete_async_work(env, job->work);
  job_free(job);
}

static napi_value queue(napi_env env, job_t *job) {
  napi_value promise, name;
  if (napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "stagecraft-sys", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, execute, complete, job, &job->work) != napi_ok ||
      napi_queue_async_work(env, job->work) != napi_ok) {
    job_free(job);
    napi_throw_error(env, NULL, "stagecraft-sys: could not queue the call");
    return NULL;
  }
  return promise;
}

static job_t *new_job(napi_env env, job_kind kind) {
  job_t *job = calloc(1, sizeof *job);
  if (job == NULL) napi_throw_error(env, NULL, "stagecraft-sys: out of memory");
  else job->kind = kind;
  return job;
}

static int flags_arg(napi_env env, napi_value value, unsigned long *out) {
  double number;
  if (napi_get_value_double(env, value, &number) != napi_ok || number < 0 || number > 4294967295.0) {
    napi_throw_type_error(env, NULL, "stagecraft-sys: flags must be a non-negative 32-bit number");
    return -1;
  }
  *out = (unsigned long)number;
  return 0;
}

/* ---- the exported functions -------------------------------------------------------------------- */

static void throw_unless_pending(napi_env env, const char *message) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, NULL, message);
}

/*
 * The call's arguments into argv (`max` slots; missing ones undefined): at least `min` of them, and
 * the first an array when `first_is_array`; else a TypeError saying `usage`. Returns how many.
 */
static int call_args(napi_env env, napi_callback_info info, size_t min, size_t max, napi_value *argv, int first_is_array, const char *usage) {
  size_t argc = max;
  bool is_array = !first_is_array;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < min ||
      (first_is_array && (napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array))) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) napi_throw_type_error(env, NULL, usage);
    return -1;
  }
  return (int)argc;
}

/* mount(source, target, fstype, flags, data?) -> Promise<void> */
static napi_value js_mount(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  int argc = call_args(env, info, 4, 5, argv, 0, "stagecraft-sys: mount(source, target, fstype, flags, data?)");
  if (argc < 0) return NULL;
  job_t *job = new_job(env, JOB_MOUNT);
  if (job == NULL) return NULL;
  job->source = string_arg(env, argv[0], 0, "source");
  job->target = string_arg(env, argv[1], 0, "target");
  job->fstype = string_arg(env, argv[2], 0, "fstype");
  int bad = job->source == NULL || job->target == NULL || job->fstype == NULL || flags_arg(env, argv[3], &job->flags) != 0;
  if (!bad && argc > 4) {
    job->data = string_arg(env, argv[4], 1, "data");
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    bad = pending;
  }
  if (bad) {
    job_free(job);
    return NULL;
  }
  return queue(env, job);
}

/* A job on one path (`target`), with a flags or limit number after it when `with_number`. */
static napi_value target_job(napi_env env, napi_callback_info info, job_kind kind, int with_number, const char *usage) {
  napi_value argv[2];
  size_t argc = with_number ? 2 : 1;
  if (call_args(env, info, argc, argc, argv, 0, usage) < 0) return NULL;
  job_t *job = new_job(env, kind);
  if (job == NULL) return NULL;
  job->target = string_arg(env, argv[0], 0, "path");
  if (job->target == NULL || (with_number && flags_arg(env, argv[1], &job->flags) != 0)) {
    job_free(job);
    return NULL;
  }
  return queue(env, job);
}

/* umount(target, flags) -> Promise<void> */
static napi_value js_umount(napi_env env, napi_callback_info info) {
  return target_job(env, info, JOB_UMOUNT, 1, "stagecraft-sys: umount(target, flags)");
}

/* umountAll(target, limit) -> Promise<number>: how many mounts were taken off (limit + 1: more were stacked) */
static napi_value js_umount_all(napi_env env, napi_callback_info info) {
  return target_job(env, info, JOB_UMOUNT_ALL, 1, "stagecraft-sys: umountAll(target, limit)");
}

/* removeTree(path) -> Promise<void>: rm -rf that stays on the path's file system */
static napi_value js_remove_tree(napi_env env, napi_callback_info info) {
  return target_job(env, info, JOB_REMOVE_TREE, 0, "stagecraft-sys: removeTree(path)");
}

/*
 * spawnPiped(file, args, newSession) -> { pid, stdout, stderr } (the read ends of two pipes):
 * posix_spawnp, which glibc runs as a vfork-style clone, so its cost does not grow with this
 * process's memory as libuv's fork() does (3-8 ms from a build's heap, per container). stdin is
 * /dev/null; signal dispositions and the mask are reset to the defaults; `newSession`: setsid.
 */
static napi_value js_spawn_piped(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (call_args(env, info, 3, 3, argv, 0, "stagecraft-sys: spawnPiped(file, args, newSession)") < 0) return NULL;
  bool is_array = false, new_session = false;
  uint32_t count = 0;
  if (napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array || napi_get_array_length(env, argv[1], &count) != napi_ok ||
      napi_get_value_bool(env, argv[2], &new_session) != napi_ok) {
    throw_unless_pending(env, "stagecraft-sys: spawnPiped(file, args: string[], newSession: boolean)");
    return NULL;
  }
  char *file = string_arg(env, argv[0], 0, "file");
  char **args = calloc((size_t)count + 1, sizeof *args);
  int ok = file != NULL && args != NULL;
  for (uint32_t i = 0; ok && i < count; i++) {
    napi_value item;
    ok = napi_get_element(env, argv[1], i, &item) == napi_ok && (args[i] = string_arg(env, item, 0, "each argument")) != NULL;
  }
  napi_value result = NULL;
  int out[2] = {-1, -1}, err[2] = {-1, -1};
  if (ok && (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)) {
    napi_throw(env, errno_error(env, errno, "pipe2", NULL));
    ok = 0;
  }
  if (ok) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | (new_session ? POSIX_SPAWN_SETSID : 0));
    pid_t pid = 0;
    extern char **environ;
    int rc = posix_spawnp(&pid, file, &actions, &attr, args, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(out[1]);
    close(err[1]);
    out[1] = err[1] = -1;
    if (rc != 0) {
      napi_throw(env, errno_error(env, rc, "posix_spawn", file));
    } else {
      napi_value pid_value, out_value, err_value;
      napi_create_object(env, &result);
      napi_create_int32(env, pid, &pid_value);
      napi_create_int32(env, out[0], &out_value);
      napi_create_int32(env, err[0], &err_value);
      napi_set_named_property(env, result, "pid", pid_value);
      napi_set_named_property(env, result, "stdout", out_value);
      napi_set_named_property(env, result, "stderr", err_value);
      out[0] = err[0] = -1; /* the caller owns them now */
    }
  }
  for (int i = 0; i < 2; i++) {
    if (out[i] >= 0) close(out[i]);
    if (err[i] >= 0) close(err[i]);
  }
  for (uint32_t i = 0; args != NULL && i < count; i++) free(args[i]);
  free(args);
  free(file);
  return result;
}

/* waitProcess(pid) -> Promise<{ code, signal }>: waitpid on the pool (call it once the child's pipes have closed) */
static napi_value js_wait_process(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (call_args(env, info, 1, 1, argv, 0, "stagecraft-sys: waitProcess(pid)") < 0) return NULL;
  int32_t pid = 0;
  if (napi_get_value_int32(env, argv[0], &pid) != napi_ok || pid <= 0) {
    throw_unless_pending(env, "stagecraft-sys: waitProcess(pid) needs a positive pid");
    return NULL;
  }
  job_t *job = new_job(env, JOB_WAIT);
  if (job == NULL) return NULL;
  job->pid = (pid_t)pid;
  return queue(env, job);
}

/* readXattrs(paths: string[], recursive: boolean) -> Promise<[path, [name, Buffer][]][]> */
static napi_value js_read_xattrs(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (call_args(env, info, 2, 2, argv, 1, "stagecraft-sys: readXattrs(paths, recursive)") < 0) return NULL;
  job_t *job = new_job(env, JOB_READ_XATTRS);
  if (job == NULL) return NULL;
  bool recursive = false;
  napi_get_value_bool(env, argv[1], &recursive);
  job->recursive = recursive;
  uint32_t count = 0;
  napi_get_array_length(env, argv[0], &count);
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    napi_get_element(env, argv[0], i, &element);
    char *path = string_arg(env, element, 0, "each path");
    if (path == NULL || job_add_path(job, path, strlen(path)) != 0) {
      throw_unless_pending(env, "stagecraft-sys: out of memory");
      free(path);
      job_free(job);
      return NULL;
    }
    free(path);
  }
  return queue(env, job);
}

/* writeXattrs(items: [path, name, Buffer][]) -> Promise<[index, Error][]> (never follows symlinks) */
static napi_value js_write_xattrs(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (call_args(env, info, 1, 1, argv, 1, "stagecraft-sys: writeXattrs(items)") < 0) return NULL;
  job_t *job = new_job(env, JOB_WRITE_XATTRS);
  if (job == NULL) return NULL;
  uint32_t count = 0;
  napi_get_array_length(env, argv[0], &count);
  for (uint32_t i = 0; i < count; i++) {
    napi_value item, path_value, name_value, bytes_value;
    napi_get_element(env, argv[0], i, &item);
    napi_get_element(env, item, 0, &path_value);
    napi_get_element(env, item, 1, &name_value);
    napi_get_element(env, item, 2, &bytes_value);
    char *path = string_arg(env, path_value, 0, "each item's path");
    char *name = path != NULL ? string_arg(env, name_value, 0, "each item's name") : NULL;
    bool is_buffer = false;
    void *bytes = NULL;
    size_t size = 0;
    if (name != NULL && (napi_is_buffer(env, bytes_value, &is_buffer) != napi_ok || !is_buffer)) {
      napi_throw_type_error(env, NULL, "stagecraft-sys: each item's value must be a Buffer");
    } else if (name != NULL) {
      napi_get_buffer_info(env, bytes_value, &bytes, &size);
    }
    char *value = is_buffer ? malloc(size == 0 ? 1 : size) : NULL;
    if (value != NULL && size > 0) memcpy(value, bytes, size);
    if (value == NULL || job_add_path(job, path, strlen(path)) != 0 || job_add_attr(job, job->path_count - 1, name, value, size) != 0) {
      throw_unless_pending(env, "stagecraft-sys: out of memory");
      free(path);
      free(name);
      free(value);
      job_free(job);
      return NULL;
    }
    free(path);
    free(name);
  }
  return queue(env, job);
}

/*
 * markTopDir(path) -> 0, or the errno: sets FS_TOPDIR_FL (chattr +T) on a directory, so ext2/3/4
 * place each new directory inside it in a block group of its own choosing. Synchronous: two
 * ioctls on an open directory take microseconds.
 */
static napi_value js_mark_top_dir(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (call_args(env, info, 1, 1, argv, 0, "stagecraft-sys: markTopDir(path)") < 0) return NULL;
  char *path = string_arg(env, argv[0], 0, "path");
  if (path == NULL) return NULL;
  int err = 0;
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    err = errno;
  } else {
    int flags = 0;
    if (ioctl(fd, FS_IOC_GETFLAGS, &flags) != 0) {
      err = errno;
    } else if ((flags & FS_TOPDIR_FL) == 0) {
      flags |= FS_TOPDIR_FL;
      if (ioctl(fd, FS_IOC_SETFLAGS, &flags) != 0) err = errno;
    }
    close(fd);
  }
  free(path);
  napi_value result;
  if (napi_create_int32(env, err, &result) != napi_ok) return NULL;
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"mount", NULL, js_mount, NULL, NULL, NULL, napi_enumerable, NULL},
      {"umount", NULL, js_umount, NULL, NULL, NULL, napi_enumerable, NULL},
      {"readXattrs", NULL, js_read_xattrs, NULL, NULL, NULL, napi_enumerable, NULL},
      {"writeXattrs", NULL, js_write_xattrs, NULL, NULL, NULL, napi_enumerable, NULL},
      {"markTopDir", NULL, js_mark_top_dir, NULL, NULL, NULL, napi_enumerable, NULL},
      {"umountAll", NULL, js_umount_all, NULL, NULL, NULL, napi_enumerable, NULL},
      {"removeTree", NULL, js_remove_tree, NULL, NULL, NULL, napi_enumerable, NULL},
      {"spawnPiped", NULL, js_spawn_piped, NULL, NULL, NULL, napi_enumerable, NULL},
      {"waitProcess", NULL, js_wait_process, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  napi_value version;
  CHECK(env, napi_create_uint32(env, 4, &version));
  CHECK(env, napi_set_named_property(env, exports, "version", version));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
