/* stage0 native helper: an IPv4 UDP socket read and written in batches (recvmmsg, sendmmsg), polled on Node's loop,
 * for the DHCP listener. Why: node:dgram costs 30–40 µs of CPU per datagram on the bench machine — a callback into
 * JavaScript, a Buffer and an rinfo object per datagram received, a send request per datagram sent; a responder doing
 * nothing else (bench/support/dhcp-floor-responder.ts) tops out near 16,000 DORA/s, less than twice Kea's whole rate.
 * Here the datagrams waiting in the socket (up to perTurn, at most 256, per turn of the loop) reach JavaScript in one
 * call, as one Buffer and a table of offsets, and the replies of a turn leave in one sendmmsg.
 * Exposed to JS (see src/net/udp-batch-socket.ts):
 *   udpBatchOpen(bindAddr, port, ifname | null, rcvbufBytes, perTurn, onBatch(data, meta, count, truncated))
 *       -> { handle, port, rcvbuf }       rcvbuf: the receive buffer the kernel granted (half of what it reports)
 *       onBatch's meta: Uint32Array, 4 per datagram: offset in data, length, source IPv4 (host order), source port
 *   udpBatchSend(handle, data, meta, count) -> null | { failed: [index…], error }
 *       meta: 4 per datagram: offset in data, length, destination IPv4 (host order), destination port
 *   udpBatchClose(handle, onClosed?)        stops reading; the fd closes once libuv lets go of the poll handle, then
 *                                           onClosed() */
#define NAPI_VERSION 8
#define _GNU_SOURCE
#include <node_api.h>
#include "stage0-addon.h"
#include <uv.h>
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 64          /* datagrams per recvmmsg / sendmmsg call */
#define MAX_PER_TURN 256  /* datagrams read per poll callback at most (the caller picks its limit up to this) */
#define SLOT 4096         /* longest datagram kept; a longer one is dropped and counted (DHCP fits in 1,500) */

typedef struct {
  int fd, closed, refs;
  unsigned per_turn;
  uv_poll_t poll;
  napi_env env;
  napi_ref on_batch, on_closed;
  napi_async_context ctx;
} sock;

/* One loop thread: one set of receive slots for every socket. */
static uint8_t slots[MAX_PER_TURN][SLOT];
static struct iovec riov[MAX_PER_TURN];
static struct sockaddr_in rfrom[MAX_PER_TURN];
static struct mmsghdr rmsgs[MAX_PER_TURN];
static struct mmsghdr smsgs[BATCH];
static struct iovec siov[BATCH];
static struct sockaddr_in sto[BATCH];

static void unref(sock *s) {
  if (--s->refs == 0) free(s);
}

static void on_closed(uv_handle_t *h) {
  sock *s = h->data;
  close(s->fd);
  if (s->on_closed != NULL) {
    napi_env env = s->env;
    napi_handle_scope scope;
    napi_open_handle_scope(env, &scope);
    napi_value fn, recv;
    napi_get_global(env, &recv);
    if (napi_get_reference_value(env, s->on_closed, &fn) == napi_ok && fn != NULL)
      napi_make_callback(env, s->ctx, recv, fn, 0, NULL, NULL);
    napi_delete_reference(env, s->on_closed), s->on_closed = NULL;
    napi_close_handle_scope(env, scope);
  }
  napi_async_destroy(s->env, s->ctx), s->ctx = NULL;
  unref(s);
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  (void)env, (void)hint;
  unref(data);
}

static void on_readable(uv_poll_t *h, int status, int events) {
  sock *s = h->data;
  (void)events;
  if (s->closed || status < 0) return;
  unsigned got = 0, truncated = 0;
  while (got < s->per_turn) {
    unsigned want = s->per_turn - got < BATCH ? s->per_turn - got : BATCH;
    for (unsigned i = got; i < got + want; i++) {
      riov[i].iov_base = slots[i], riov[i].iov_len = SLOT;
      memset(&rmsgs[i].msg_hdr, 0, sizeof rmsgs[i].msg_hdr);
      rmsgs[i].msg_hdr.msg_iov = &riov[i], rmsgs[i].msg_hdr.msg_iovlen = 1;
      rmsgs[i].msg_hdr.msg_name = &rfrom[i], rmsgs[i].msg_hdr.msg_namelen = sizeof rfrom[i];
    }
    int n;
    do n = recvmmsg(s->fd, &rmsgs[got], want, MSG_DONTWAIT, NULL);
    while (n < 0 && errno == EINTR);
    if (n <= 0) break; /* EAGAIN: drained; other errors: the next readiness tries again */
    got += (unsigned)n;
    if ((unsigned)n < want) break;
  }
  if (got == 0) return;
  size_t total = 0;
  unsigned kept = 0;
  for (unsigned i = 0; i < got; i++) {
    if (rmsgs[i].msg_hdr.msg_flags & MSG_TRUNC) truncated++;
    else total += rmsgs[i].msg_len, kept++;
  }
  napi_env env = s->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value argv[4], ab, fn, recv;
  void *data = NULL, *metap = NULL;
  napi_create_buffer(env, total ? total : 1, &data, &argv[0]);
  napi_create_arraybuffer(env, (kept ? kept : 1) * 16, &metap, &ab);
  napi_create_typedarray(env, napi_uint32_array, (kept ? kept : 1) * 4, ab, 0, &argv[1]);
  uint32_t *meta = metap;
  size_t off = 0;
  unsigned k = 0;
  for (unsigned i = 0; i < got; i++) {
    if (rmsgs[i].msg_hdr.msg_flags & MSG_TRUNC) continue;
    uint32_t len = rmsgs[i].msg_len;
    memcpy((uint8_t *)data + off, slots[i], len);
    meta[k * 4] = (uint32_t)off, meta[k * 4 + 1] = len;
    meta[k * 4 + 2] = ntohl(rfrom[i].sin_addr.s_addr), meta[k * 4 + 3] = ntohs(rfrom[i].sin_port);
    off += len, k++;
  }
  napi_create_uint32(env, kept, &argv[2]);
  napi_create_uint32(env, truncated, &argv[3]);
  napi_get_global(env, &recv);
  if (napi_get_reference_value(env, s->on_batch, &fn) == napi_ok && fn != NULL)
    napi_make_callback(env, s->ctx, recv, fn, 4, argv, NULL); /* exceptions surface as uncaught */
  napi_close_handle_scope(env, scope);
}

static napi_value throw_sys(napi_env env, const char *what, int err) {
  char msg[200];
  snprintf(msg, sizeof msg, "udpBatchOpen: %s: %s", what, strerror(err));
  napi_throw_error(env, err == EPERM ? "EPERM" : err == EADDRINUSE ? "EADDRINUSE" : "ESYSCALL", msg);
  return NULL;
}

static napi_value batch_open(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char bind_s[64] = "", ifname[IFNAMSIZ] = "";
  size_t l = 0, iflen = 0;
  uint32_t port = 0, rcvbuf = 0, per_turn = 0;
  napi_valuetype t2 = napi_undefined, t5 = napi_undefined;
  struct sockaddr_in local = {.sin_family = AF_INET};
  int ok = argc == 6 && napi_get_value_string_utf8(env, argv[0], bind_s, sizeof bind_s, &l) == napi_ok &&
           inet_pton(AF_INET, bind_s, &local.sin_addr) == 1 && napi_get_value_uint32(env, argv[1], &port) == napi_ok &&
           port < 65536 && napi_get_value_uint32(env, argv[3], &rcvbuf) == napi_ok &&
           napi_get_value_uint32(env, argv[4], &per_turn) == napi_ok && per_turn >= 1 && per_turn <= MAX_PER_TURN;
  if (ok) napi_typeof(env, argv[2], &t2), napi_typeof(env, argv[5], &t5);
  ok = ok && t5 == napi_function &&
       (t2 == napi_null || (napi_get_value_string_utf8(env, argv[2], ifname, sizeof ifname, &iflen) == napi_ok &&
                            iflen > 0 && iflen < IFNAMSIZ - 1));
  if (!ok) {
    napi_throw_type_error(env, NULL, "udpBatchOpen(bindAddr: IPv4 literal, port, ifname | null, rcvbufBytes, perTurn: 1–256, onBatch)");
    return NULL;
  }
  local.sin_port = htons((uint16_t)port);
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_sys(env, "socket", errno);
  int one = 1;
  /* SO_REUSEADDR: one socket per interface on 0.0.0.0:67, told apart by SO_BINDTODEVICE (as node:dgram's reuseAddr). */
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) != 0) {
    int e = errno;
    close(fd);
    return throw_sys(env, "setsockopt", e);
  }
  if (iflen && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)(iflen + 1)) != 0) {
    int e = errno;
    close(fd);
    return throw_sys(env, "setsockopt(SO_BINDTODEVICE)", e);
  }
  /* Asked for, not required: the kernel caps it at net.core.rmem_max and the caller reports what it got. */
  int want = (int)rcvbuf, granted = 0;
  socklen_t glen = sizeof granted;
  if (want > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof want);
  getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &glen);
  socklen_t llen = sizeof local;
  if (bind(fd, (struct sockaddr *)&local, sizeof local) != 0 || getsockname(fd, (struct sockaddr *)&local, &llen) != 0) {
    int e = errno;
    close(fd);
    return throw_sys(env, "bind", e);
  }
  sock *s = calloc(1, sizeof *s);
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  if (s == NULL || uv_poll_init(loop, &s->poll, fd) != 0) {
    close(fd), free(s);
    napi_throw_error(env, "ESYSCALL", "udpBatchOpen: cannot poll the socket on the event loop");
    return NULL;
  }
  s->fd = fd, s->env = env, s->refs = 2; /* the poll handle (until closed) + the JS external */
  s->per_turn = per_turn;
  s->poll.data = s;
  napi_create_reference(env, argv[5], 1, &s->on_batch);
  napi_value name;
  napi_create_string_utf8(env, "stage0-udp-batch", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &s->ctx);
  uv_poll_start(&s->poll, UV_READABLE, on_readable);

  napi_value out, handle, v;
  napi_create_object(env, &out);
  napi_create_external(env, s, finalize_handle, NULL, &handle);
  napi_set_named_property(env, out, "handle", handle);
  napi_create_uint32(env, ntohs(local.sin_port), &v);
  napi_set_named_property(env, out, "port", v);
  napi_create_uint32(env, (uint32_t)granted / 2, &v);
  napi_set_named_property(env, out, "rcvbuf", v);
  return out;
}

static napi_value batch_send(napi_env env, napi_callback_info info) {
  static const char usage[] = "udpBatchSend(handle, data: Buffer, meta: Uint32Array (offset, length, IPv4, port per datagram), count)";
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  sock *s = stage0_external_arg(env, argc == 4 ? argv[0] : NULL, usage);
  if (s == NULL) return NULL;
  void *data = NULL, *metap = NULL;
  size_t dlen = 0, mlen = 0;
  napi_typedarray_type tt;
  uint32_t count = 0;
  if (napi_get_buffer_info(env, argv[1], &data, &dlen) != napi_ok ||
      napi_get_typedarray_info(env, argv[2], &tt, &mlen, &metap, NULL, NULL) != napi_ok || tt != napi_uint32_array ||
      napi_get_value_uint32(env, argv[3], &count) != napi_ok || (size_t)count * 4 > mlen) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  const uint32_t *meta = metap;
  for (uint32_t i = 0; i < count; i++) {
    if ((uint64_t)meta[i * 4] + meta[i * 4 + 1] > dlen || meta[i * 4 + 3] > 65535) {
      napi_throw_range_error(env, NULL, "udpBatchSend: a datagram lies outside data, or a port is out of range");
      return NULL;
    }
  }
  if (s->closed) {
    napi_throw_error(env, "ECLOSED", "udpBatchSend: socket closed");
    return NULL;
  }
  napi_value failed = NULL;
  int first_err = 0;
  uint32_t nfailed = 0;
  for (uint32_t base = 0; base < count; base += BATCH) {
    uint32_t n = count - base < BATCH ? count - base : BATCH;
    for (uint32_t i = 0; i < n; i++) {
      const uint32_t *m = &meta[(base + i) * 4];
      siov[i].iov_base = (uint8_t *)data + m[0], siov[i].iov_len = m[1];
      memset(&sto[i], 0, sizeof sto[i]);
      sto[i].sin_family = AF_INET, sto[i].sin_addr.s_addr = htonl(m[2]), sto[i].sin_port = htons((uint16_t)m[3]);
      memset(&smsgs[i].msg_hdr, 0, sizeof smsgs[i].msg_hdr);
      smsgs[i].msg_hdr.msg_iov = &siov[i], smsgs[i].msg_hdr.msg_iovlen = 1;
      smsgs[i].msg_hdr.msg_name = &sto[i], smsgs[i].msg_hdr.msg_namelen = sizeof sto[i];
    }
    uint32_t i = 0;
    int waited = 0;
    while (i < n) {
      int r = sendmmsg(s->fd, &smsgs[i], n - i, 0);
      if (r > 0) {
        i += (uint32_t)r, waited = 0;
        continue;
      }
      if (r < 0 && errno == EINTR) continue;
      if (r < 0 && (errno == EAGAIN || errno == ENOBUFS) && !waited) {
        /* The send buffer is full: wait for room once (a few ms at most), as a blocking sendto would. */
        struct pollfd p = {.fd = s->fd, .events = POLLOUT};
        poll(&p, 1, 10);
        waited = 1;
        continue;
      }
      /* This datagram cannot be sent (no route, a full buffer that stayed full…): count it, go on with the rest. */
      if (failed == NULL) napi_create_array(env, &failed), first_err = r < 0 ? errno : EIO;
      napi_value idx;
      napi_create_uint32(env, base + i, &idx);
      napi_set_element(env, failed, nfailed++, idx);
      i++, waited = 0;
    }
  }
  napi_value out;
  if (failed == NULL) {
    napi_get_null(env, &out);
    return out;
  }
  napi_value err;
  napi_create_object(env, &out);
  napi_set_named_property(env, out, "failed", failed);
  napi_create_string_utf8(env, strerror(first_err), NAPI_AUTO_LENGTH, &err);
  napi_set_named_property(env, out, "error", err);
  return out;
}

static napi_value batch_close(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  sock *s = stage0_external_arg(env, argc >= 1 ? argv[0] : NULL, "udpBatchClose(handle, onClosed?)");
  if (s == NULL || s->closed) return NULL;
  napi_valuetype t = napi_undefined;
  if (argc == 2) napi_typeof(env, argv[1], &t);
  s->closed = 1;
  uv_poll_stop(&s->poll);
  napi_delete_reference(env, s->on_batch), s->on_batch = NULL;
  if (t == napi_function) napi_create_reference(env, argv[1], 1, &s->on_closed);
  uv_close((uv_handle_t *)&s->poll, on_closed);
  return NULL;
}

STAGE0_ADDON({"udpBatchOpen", batch_open}, {"udpBatchSend", batch_send}, {"udpBatchClose", batch_close})
