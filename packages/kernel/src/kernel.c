/*
 * The system calls nslab needs and Node does not make: setns(2) around the
 * creation of a socket or the opening of a file (a netlink socket or a
 * /proc/sys/net file opened inside a namespace stays bound to it), and the
 * unshare + bind mount of `ip netns add`. Everything here is synchronous and
 * runs on the calling thread; every call that enters a namespace returns to
 * the thread's own before it returns, and aborts the process if it cannot
 * (going on in the wrong namespace would change the wrong host).
 *
 * Paths come from the caller, which derives them from validated names
 * (apps/server/src/paths.ts); nothing here builds a path or runs a program.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <node_api.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_PATH 4096

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_value error, message, code, number;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, NULL, message, &error);
  const char *name = strerrorname_np(err);
  napi_create_string_utf8(env, name ? name : "UNKNOWN", NAPI_AUTO_LENGTH, &code);
  napi_create_int32(env, err, &number);
  napi_set_named_property(env, error, "code", code);
  napi_set_named_property(env, error, "errno", number);
  napi_throw(env, error);
  return NULL;
}

static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, NULL, msg);
  return NULL;
}

static int arg_int(napi_env env, napi_value v, int32_t *out) { return napi_get_value_int32(env, v, out) == napi_ok; }

static int arg_path(napi_env env, napi_value v, char *out) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, out, MAX_PATH, &len) != napi_ok) return 0;
  return len > 0 && len < MAX_PATH - 1 && strlen(out) == len && out[0] == '/';
}

/* This thread's own network namespace, to come back to. */
static int own_netns(void) { return open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC); }

static void come_back(int self) {
  if (setns(self, CLONE_NEWNET) != 0) {
    fprintf(stderr, "nslab: cannot return to the original network namespace (%s); stopping\n", strerror(errno));
    abort();
  }
  close(self);
}

/* Runs `fn` inside the namespace nsFd refers to (-1: here); returns its result, or -1 with errno set. */
typedef int (*inside_fn)(void *arg);
static int inside(int ns_fd, inside_fn fn, void *arg) {
  if (ns_fd < 0) return fn(arg);
  int self = own_netns();
  if (self < 0) return -1;
  if (setns(ns_fd, CLONE_NEWNET) != 0) {
    int err = errno;
    close(self);
    errno = err;
    return -1;
  }
  int r = fn(arg);
  int err = errno;
  come_back(self);
  errno = err;
  return r;
}

static int make_socket(void *arg) {
  int protocol = *(int *)arg;
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
  if (fd < 0) return -1;
  int one = 1, size = 4 << 20;
  /* Room for a large dump, extended error messages, errors without the request echoed back. */
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
  setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  /* A reply that never comes must not hang the server: reads give up after 10 s (EAGAIN). */
  struct timeval tv = {.tv_sec = 10, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct sockaddr_nl local = {.nl_family = AF_NETLINK};
  if (bind(fd, (struct sockaddr *)&local, sizeof local) != 0) {
    int err = errno;
    close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

static napi_value netlink_socket(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t ns_fd, protocol = NETLINK_ROUTE;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || argc > 2 || !arg_int(env, argv[0], &ns_fd) || (argc == 2 && !arg_int(env, argv[1], &protocol)))
    return throw_type(env, "netlinkSocket(nsFd, protocol?)");
  if (protocol != NETLINK_ROUTE && protocol != NETLINK_NETFILTER)
    return throw_type(env, "netlinkSocket: protocol is NETLINK_ROUTE (0) or NETLINK_NETFILTER (12)");
  int fd = inside(ns_fd, make_socket, &protocol);
  if (fd < 0) return throw_errno(env, "netlink socket", errno);
  napi_value out;
  napi_create_int32(env, fd, &out);
  return out;
}

struct open_args {
  const char *path;
  int flags;
};

static int do_open(void *arg) {
  struct open_args *a = arg;
  return open(a->path, a->flags | O_CLOEXEC | O_NOFOLLOW);
}

static napi_value open_in(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t ns_fd, flags;
  char path[MAX_PATH];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 3 || !arg_int(env, argv[0], &ns_fd) || !arg_path(env, argv[1], path) || !arg_int(env, argv[2], &flags))
    return throw_type(env, "openIn(nsFd, absolutePath, flags)");
  if (flags & ~(O_RDONLY | O_WRONLY | O_RDWR)) return throw_type(env, "openIn: flags are O_RDONLY, O_WRONLY or O_RDWR");
  struct open_args a = {path, flags};
  int fd = inside(ns_fd, do_open, &a);
  if (fd < 0) return throw_errno(env, path, errno);
  napi_value out;
  napi_create_int32(env, fd, &out);
  return out;
}

/* iproute2's netns_add: make the run directory a shared mount (once), create the file, unshare, bind. */
static int share_run_dir(const char *run_dir) {
  int lock = open(run_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lock >= 0) flock(lock, LOCK_EX);
  int made = 0, r = 0;
  while (mount("", run_dir, "none", MS_SHARED | MS_REC, NULL) != 0) {
    if (errno != EINVAL || made) {
      r = -1;
      break;
    }
    if (mount(run_dir, run_dir, "none", MS_BIND | MS_REC, NULL) != 0) {
      r = -1;
      break;
    }
    made = 1;
  }
  int err = errno;
  if (lock >= 0) close(lock); /* closing drops the lock */
  errno = err;
  return r;
}

static napi_value add_netns(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char run_dir[MAX_PATH], path[MAX_PATH];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 2 || !arg_path(env, argv[0], run_dir) || !arg_path(env, argv[1], path))
    return throw_type(env, "addNetns(runDir, path)");
  if (mkdir(run_dir, 0755) != 0 && errno != EEXIST) return throw_errno(env, "mkdir /run/netns", errno);
  /* Once per process: the directory stays a shared mount, and making it shared again walks every namespace's mount. */
  static int shared = 0;
  if (!shared) {
    if (share_run_dir(run_dir) != 0) return throw_errno(env, "mount --make-shared /run/netns", errno);
    shared = 1;
  }
  int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "Cannot create namespace file", errno);
  close(fd);
  int self = own_netns();
  if (self < 0) {
    int err = errno;
    unlink(path);
    return throw_errno(env, "open own namespace", err);
  }
  if (unshare(CLONE_NEWNET) != 0) {
    int err = errno;
    close(self);
    unlink(path);
    return throw_errno(env, "Failed to create a new network namespace", err);
  }
  int r = mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL);
  int err = errno;
  come_back(self);
  if (r != 0) {
    unlink(path);
    return throw_errno(env, "Bind /proc/self/ns/net", err);
  }
  return NULL;
}

static napi_value del_netns(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[MAX_PATH];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 1 || !arg_path(env, argv[0], path)) return throw_type(env, "delNetns(path)");
  umount2(path, MNT_DETACH);
  if (unlink(path) != 0) return throw_errno(env, "Cannot remove namespace file", errno);
  return NULL;
}

static napi_value str_error(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t err;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 1 || !arg_int(env, argv[0], &err)) return throw_type(env, "strerror(errno)");
  napi_value out;
  napi_create_string_utf8(env, strerror(err), NAPI_AUTO_LENGTH, &out);
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"netlinkSocket", NULL, netlink_socket, NULL, NULL, NULL, napi_enumerable, NULL},
      {"openIn", NULL, open_in, NULL, NULL, NULL, napi_enumerable, NULL},
      {"addNetns", NULL, add_netns, NULL, NULL, NULL, napi_enumerable, NULL},
      {"delNetns", NULL, del_netns, NULL, NULL, NULL, napi_enumerable, NULL},
      {"strerror", NULL, str_error, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof *props, props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
