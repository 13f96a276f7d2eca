/* stage0 native helper: sendfile(2) from a file fd to a Node TCP socket, so boot images go kernel-to-kernel.
 * Exposed to JS (see src/net/sendfile.ts):
 *   sendfileStart(sockFd, fileFd, offset, length, done) -> handle   done(errCode: string | null, sent: number)
 *   sendfileCancel(handle)   stops without calling done (the caller is tearing the socket down)
 *   tcpDrainStart(sockFd, length, done) -> handle   done(errCode | null, received): reads and discards `length`
 *                            bytes (recv with MSG_TRUNC: the kernel frees them, nothing is copied to user space) — for
 *                            the boot-storm simulator, one process playing a thousand clients' downloads
 *   tcpDrainCancel(handle)   stops a drain without calling done
 *   tcpCork(sockFd, on)      TCP_CORK on or off: the response head waits in the kernel for the body's first bytes, so
 *                            head and body leave in full segments (nginx's tcp_nopush), not a small segment first
 * No thread: the socket is non-blocking; on EAGAIN libuv polls it for writability on Node's own loop.
 * libuv refuses a second handle for an fd it already watches (Node's TCP handle), so we poll and send on a dup():
 * same open file description, different fd number. */
#define NAPI_VERSION 8
#include <node_api.h>
#include "stage0-addon.h"
#include <uv.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

#define CALL_MAX (1 << 30)      /* one sendfile() call */
/* Bytes per socket per loop turn: DHCP, TFTP and the API share this loop, and in a boot storm a thousand sockets turn
 * writable at once. The bound is per socket, not a budget shared by all: epoll reports a thousand ready sockets in the
 * same order every turn, so a shared budget went to the same first sockets each time and starved the last ones
 * (downloads 200 s late in a storm). 4 MiB, the most Linux's send buffer autotuning gives a socket by default
 * (tcp_wmem), so a turn takes what the socket can hold: against 1 MiB, 1,000-client storms finished in 10.5–12.3 s
 * instead of 13.1–17.4 s with 2 s less CPU on the server's core, and DHCP and TFTP stages no slower (bench/RESULTS.md,
 * session 11; 256 KiB was worse still, session 5). */
#define TURN_MAX (4u << 20)

typedef struct {
  int sock; /* our dup of Node's socket fd */
  int file;
  off_t off;
  uint64_t left, sent;
  int done;
  int refs; /* the JS external + the poll handle */
  uv_poll_t poll;
  napi_env env;
  napi_ref cb;
  napi_async_context ctx;
} job;

static void unref(job *j) {
  if (--j->refs == 0) free(j);
}

static void on_poll_closed(uv_handle_t *h) {
  job *j = h->data;
  close(j->sock);
  unref(j);
}

/* Stops polling; the dup closes once libuv has let go of the poll handle. */
static void stop(job *j) {
  j->done = 1;
  uv_poll_stop(&j->poll); /* stop before the fd closes, as libuv requires */
  uv_close((uv_handle_t *)&j->poll, on_poll_closed);
}

static void release_js(job *j) {
  if (j->cb != NULL) napi_delete_reference(j->env, j->cb), j->cb = NULL;
  if (j->ctx != NULL) napi_async_destroy(j->env, j->ctx), j->ctx = NULL;
}

static const char *code_of(int err) {
  switch (err) {
    case 0: return NULL;
    case EPIPE: return "EPIPE";
    case ECONNRESET: return "ECONNRESET";
    case ESHUTDOWN: return "ESHUTDOWN";
    case -1: return "ESHORT"; /* file ended before length: it shrank under us */
    default: return strerror(err);
  }
}

static void finish(job *j, int err) {
  stop(j);
  napi_env env = j->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value fn, args[2], recv;
  const char *code = code_of(err);
  if (code == NULL) napi_get_null(env, &args[0]);
  else napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &args[0]);
  napi_create_double(env, (double)j->sent, &args[1]);
  napi_get_global(env, &recv); /* napi_make_callback needs an object receiver */
  if (napi_get_reference_value(env, j->cb, &fn) == napi_ok && fn != NULL)
    napi_make_callback(env, j->ctx, recv, fn, 2, args, NULL); /* exceptions surface as uncaught, like any callback */
  release_js(j);
  napi_close_handle_scope(env, scope);
}

/* One step of a transfer: sendfile out, or discard in; returns what the system call returned. */
typedef ssize_t (*step_fn)(job *j, size_t want);
static ssize_t send_step(job *j, size_t want) { return sendfile(j->sock, j->file, &j->off, want); }
static ssize_t drain_step(job *j, size_t want) { return recv(j->sock, NULL, want, MSG_TRUNC | MSG_DONTWAIT); }

/* Moves up to TURN_MAX bytes in this loop turn. EAGAIN: the level-triggered poll calls again when the socket is
 * ready; 0 bytes before the end: the file shrank or the peer closed (ESHORT). */
static void run_turn(job *j, step_fn step) {
  uint64_t turn = 0;
  while (j->left > 0 && turn < TURN_MAX) {
    uint64_t cap = TURN_MAX - turn < CALL_MAX ? TURN_MAX - turn : CALL_MAX;
    ssize_t n = step(j, (size_t)(j->left < cap ? j->left : cap));
    if (n > 0) {
      j->left -= (uint64_t)n, j->sent += (uint64_t)n, turn += (uint64_t)n;
    } else if (n == 0) {
      return finish(j, -1);
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return;
    } else {
      return finish(j, errno);
    }
  }
  if (j->left == 0) finish(j, 0);
}

static void on_writable(uv_poll_t *h, int status, int events) {
  job *j = h->data;
  if (j->done) return;
  if (status < 0) return finish(j, status == UV_EBADF ? EBADF : EPIPE);
  if (events & (UV_WRITABLE | UV_DISCONNECT)) run_turn(j, send_step);
}

/* Readable: discards what the socket holds, up to what is left (tcpDrainStart). */
static void on_readable(uv_poll_t *h, int status, int events) {
  job *j = h->data;
  if (j->done) return;
  if (status < 0) return finish(j, status == UV_EBADF ? EBADF : ECONNRESET);
  if (events & (UV_READABLE | UV_DISCONNECT)) run_turn(j, drain_step);
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  (void)env, (void)hint;
  job *j = data;
  if (!j->done) stop(j), release_js(j);
  unref(j);
}

static int get_int64(napi_env env, napi_value v, int64_t *out) {
  return napi_get_value_int64(env, v, out) == napi_ok && *out >= 0;
}

/* Polls a dup of Node's socket fd (libuv refuses a second handle on the fd it watches) and calls `cb` with the job. */
static napi_value start_job(napi_env env, int64_t sock, int file, int64_t off, int64_t len, napi_value done, int events,
                            uv_poll_cb cb, const char *name) {
  int fd = fcntl((int)sock, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) {
    char msg[128];
    snprintf(msg, sizeof msg, "dup(socket fd %d): %s", (int)sock, strerror(errno));
    napi_throw_error(env, "ESYSCALL", msg);
    return NULL;
  }
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  job *j = calloc(1, sizeof *j);
  if (j == NULL || uv_poll_init(loop, &j->poll, fd) != 0) {
    close(fd);
    free(j);
    napi_throw_error(env, "ESYSCALL", "cannot poll the socket on the event loop");
    return NULL;
  }
  j->sock = fd, j->file = file, j->off = (off_t)off, j->left = (uint64_t)len, j->env = env;
  j->poll.data = j;
  j->refs = 2;
  napi_value resource_name;
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &resource_name);
  napi_async_init(env, NULL, resource_name, &j->ctx);
  napi_create_reference(env, done, 1, &j->cb);
  /* Also UV_DISCONNECT: a peer that hung up ends the job at once instead of waiting. */
  uv_poll_start(&j->poll, events | UV_DISCONNECT, cb);
  napi_value handle;
  napi_create_external(env, j, finalize_handle, NULL, &handle);
  return handle;
}

static napi_value sendfile_start(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_valuetype t = napi_undefined;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t sock, file, off, len;
  if (argc == 5) napi_typeof(env, argv[4], &t);
  if (argc != 5 || t != napi_function || !get_int64(env, argv[0], &sock) || !get_int64(env, argv[1], &file) ||
      !get_int64(env, argv[2], &off) || !get_int64(env, argv[3], &len)) {
    napi_throw_type_error(env, NULL, "sendfileStart(sockFd, fileFd, offset, length, done): non-negative integers and a function");
    return NULL;
  }
  return start_job(env, sock, (int)file, off, len, argv[4], UV_WRITABLE, on_writable, "stage0-sendfile");
}

static napi_value tcp_drain_start(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_valuetype t = napi_undefined;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t sock, len;
  if (argc == 3) napi_typeof(env, argv[2], &t);
  if (argc != 3 || t != napi_function || !get_int64(env, argv[0], &sock) || !get_int64(env, argv[1], &len)) {
    napi_throw_type_error(env, NULL, "tcpDrainStart(sockFd, length, done): non-negative integers and a function");
    return NULL;
  }
  return start_job(env, sock, -1, 0, len, argv[2], UV_READABLE, on_readable, "stage0-tcp-drain");
}

static napi_value sendfile_cancel(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  job *j = NULL;
  if (argc != 1 || napi_get_value_external(env, argv[0], (void **)&j) != napi_ok || j == NULL) {
    napi_throw_type_error(env, NULL, "sendfileCancel/tcpDrainCancel(handle) takes a handle from sendfileStart or tcpDrainStart");
    return NULL;
  }
  if (!j->done) stop(j), release_js(j); /* cancelling a finished transfer is harmless */
  return NULL;
}

static napi_value tcp_cork(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t sock;
  bool on = false;
  if (argc != 2 || !get_int64(env, argv[0], &sock) || napi_get_value_bool(env, argv[1], &on) != napi_ok) {
    napi_throw_type_error(env, NULL, "tcpCork(sockFd, on): a non-negative integer and a boolean");
    return NULL;
  }
  int v = on ? 1 : 0;
  if (setsockopt((int)sock, IPPROTO_TCP, TCP_CORK, &v, sizeof v) != 0) {
    char msg[128];
    snprintf(msg, sizeof msg, "setsockopt(TCP_CORK) on fd %d: %s", (int)sock, strerror(errno));
    napi_throw_error(env, "ESYSCALL", msg);
  }
  return NULL;
}

STAGE0_ADDON({"sendfileStart", sendfile_start}, {"sendfileCancel", sendfile_cancel}, {"tcpDrainStart", tcp_drain_start},
             {"tcpDrainCancel", sendfile_cancel},
             {"tcpCork", tcp_cork})
