/* stage0 native helper: the data phase of one TFTP read transfer (RFC 1350 lock-step, RFC 2347 OACK, RFC 7440
 * windows) for a file already in memory, on its own UDP socket, polled on Node's loop. Why: in lock-step every block
 * waits for one round trip, and each round trip through JavaScript (a datagram callback, a Buffer per datagram, a
 * send request) cost ~15 µs more than tftpd-hpa's loop; here an ACK is answered from the poll callback itself.
 * The TypeScript ReadTransfer (src/boot/tftp/read-transfer.ts) stays the reference state machine and serves every
 * file that is not in memory; this file follows it rule for rule, and the listener tests run against both.
 * Only the hot path lives here: a 4-byte ACK from the client, the retransmission timer, strangers (ERROR 5). Any
 * other packet from the client goes to JavaScript as bytes (onOther), which decodes it with the project's codec and
 * ends the transfer through tftpPumpEnd when it must.
 * Exposed to JS (see src/net/tftp-native-pump.ts):
 *   tftpPumpStart(bindAddr, clientAddr, clientPort, [blksize, windowsize, timeoutMs, maxTimeoutMs, maxRetries],
 *                 content: Buffer, oack: Buffer | null, onOther(bytes), onDone(outcome, reason, bytesAcked,
 *                 retransmits, bytesSent, unknownTid)) -> { handle, port }
 *   tftpPumpEnd(handle, outcome, reason, errorPacket | null)   sends errorPacket (if any), then onDone
 *   tftpPumpState(handle) -> { acked, lastBlock, retries, sinceProgressMs, nextRetransmitMs (-1: no timer),
 *                               bytesSent, unknownTid } */
#define NAPI_VERSION 8
#define _GNU_SOURCE
#include <node_api.h>
#include "stage0-addon.h"
#include <uv.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_WINDOW 1024   /* the listener caps windowsize far lower (64 by default) */
#define READS_PER_TURN 64 /* datagrams read per poll callback: one busy transfer must not hold the loop */

enum { S_OACK, S_DATA, S_DONE };

typedef struct {
  int fd;
  struct sockaddr_storage peer;
  socklen_t peerlen;
  const uint8_t *data;
  uint64_t size;
  uint32_t blksize, windowsize, base_timeout, timeout, max_timeout, retries, max_retries;
  /* Absolute block numbers (not 16-bit): highest acknowledged, highest sent, the final one. */
  uint64_t acked, sent, last_block;
  uint64_t retransmits, bytes_sent, unknown_tid;
  uint64_t deadline, fires_at, progress_at;
  int timer_armed, state, handles_open, refs;
  uint8_t *oack;
  size_t oack_len;
  uint8_t (*hdr)[4];
  struct iovec (*iov)[2];
  struct mmsghdr *msgs;
  uv_poll_t poll;
  uv_timer_t timer;
  napi_env env;
  napi_ref content, on_other, on_done;
  napi_async_context ctx;
} pump;

static uint8_t rbuf[65536]; /* one loop thread: one receive buffer for every transfer */

static void unref(pump *p) {
  if (--p->refs > 0) return;
  free(p->oack), free(p->hdr), free(p->iov), free(p->msgs), free(p);
}

static void on_handle_closed(uv_handle_t *h) {
  pump *p = h->data;
  if (--p->handles_open == 0) close(p->fd), unref(p);
}

static void release_js(pump *p) {
  napi_ref *refs[] = {&p->content, &p->on_other, &p->on_done};
  for (size_t i = 0; i < 3; i++)
    if (*refs[i] != NULL) napi_delete_reference(p->env, *refs[i]), *refs[i] = NULL;
  if (p->ctx != NULL) napi_async_destroy(p->env, p->ctx), p->ctx = NULL;
  p->data = NULL; /* the Buffer may be collected from here on */
}

/* Stops everything; the fd closes once libuv has let go of both handles. */
static void stop(pump *p) {
  p->state = S_DONE;
  uv_poll_stop(&p->poll);
  uv_timer_stop(&p->timer);
  uv_close((uv_handle_t *)&p->poll, on_handle_closed);
  uv_close((uv_handle_t *)&p->timer, on_handle_closed);
}

static void send_to_peer(pump *p, const void *buf, size_t len) {
  ssize_t n;
  do n = sendto(p->fd, buf, len, 0, (struct sockaddr *)&p->peer, p->peerlen);
  while (n < 0 && errno == EINTR);
  if (n > 0) p->bytes_sent += (uint64_t)n;
  /* Other errors (a full buffer, no route) are a lost packet: the retransmission timer deals with it. */
}

/* Calls a JS function kept in `ref` with argv, in the transfer's async context. */
static void call_js(pump *p, napi_ref ref, size_t argc, napi_value *argv) {
  napi_value fn, recv;
  napi_get_global(p->env, &recv);
  if (ref != NULL && napi_get_reference_value(p->env, ref, &fn) == napi_ok && fn != NULL)
    napi_make_callback(p->env, p->ctx, recv, fn, argc, argv, NULL); /* exceptions surface as uncaught */
}

static void finish(pump *p, const char *outcome, const char *reason) {
  if (p->state == S_DONE) return;
  stop(p);
  napi_env env = p->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  uint64_t bytes = p->acked * p->blksize < p->size ? p->acked * p->blksize : p->size;
  napi_value argv[6];
  napi_create_string_utf8(env, outcome, NAPI_AUTO_LENGTH, &argv[0]);
  if (reason == NULL) napi_get_null(env, &argv[1]);
  else napi_create_string_utf8(env, reason, NAPI_AUTO_LENGTH, &argv[1]);
  napi_create_double(env, (double)bytes, &argv[2]);
  napi_create_double(env, (double)p->retransmits, &argv[3]);
  napi_create_double(env, (double)p->bytes_sent, &argv[4]);
  napi_create_double(env, (double)p->unknown_tid, &argv[5]);
  napi_ref done = p->on_done;
  p->on_done = NULL;
  call_js(p, done, 6, argv);
  if (done != NULL) napi_delete_reference(env, done);
  release_js(p);
  napi_close_handle_scope(env, scope);
}

static void on_timer(uv_timer_t *t);

static void schedule(pump *p, uint64_t ms) {
  p->fires_at = uv_now(p->timer.loop) + ms;
  p->timer_armed = 1;
  uv_timer_start(&p->timer, on_timer, ms, 0);
}

/* (Re)starts the wait for an ACK. The one timer is moved lazily: if it fires before the new deadline it waits the
 * rest then (restarting a timer per block showed in profiles of the TypeScript version). */
static void arm(pump *p) {
  p->deadline = uv_now(p->timer.loop) + p->timeout;
  if (p->timer_armed && p->fires_at <= p->deadline) return;
  schedule(p, p->timeout);
}

static void progress(pump *p) {
  p->progress_at = uv_now(p->timer.loop);
  p->retries = 0;
  p->timeout = p->base_timeout;
}

static void send_oack(pump *p) {
  send_to_peer(p, p->oack, p->oack_len);
  arm(p);
}

/* Sends blocks acked+1 .. acked+windowsize (fewer at the end of the file) in one sendmmsg, and waits for an ACK. */
static void send_window(pump *p) {
  uint64_t first = p->acked + 1;
  uint64_t last = first + p->windowsize - 1 < p->last_block ? first + p->windowsize - 1 : p->last_block;
  unsigned n = (unsigned)(last - first + 1);
  for (unsigned i = 0; i < n; i++) {
    uint64_t b = first + i, off = (b - 1) * p->blksize;
    uint64_t len = off >= p->size ? 0 : (p->size - off < p->blksize ? p->size - off : p->blksize);
    p->hdr[i][0] = 0, p->hdr[i][1] = 3, p->hdr[i][2] = (uint8_t)(b >> 8), p->hdr[i][3] = (uint8_t)b;
    p->iov[i][0] = (struct iovec){p->hdr[i], 4};
    p->iov[i][1] = (struct iovec){(void *)(p->data + (len ? off : 0)), (size_t)len};
    p->msgs[i].msg_hdr = (struct msghdr){.msg_name = &p->peer, .msg_namelen = p->peerlen, .msg_iov = p->iov[i], .msg_iovlen = 2};
  }
  unsigned done = 0;
  while (done < n) {
    int k = sendmmsg(p->fd, p->msgs + done, n - done, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break; /* a full socket buffer: the rest counts as lost, the timer resends the window */
    for (int i = 0; i < k; i++) p->bytes_sent += p->msgs[done + i].msg_len;
    done += (unsigned)k;
  }
  p->sent = last;
  arm(p);
}

static void fail(pump *p, const char *reason) {
  uint8_t pkt[128] = {0, 5, 0, 0};
  size_t len = strlen(reason) < sizeof pkt - 5 ? strlen(reason) : sizeof pkt - 5;
  memcpy(pkt + 4, reason, len);
  pkt[4 + len] = 0;
  send_to_peer(p, pkt, len + 5);
  finish(p, "failed", reason);
}

static void on_timer(uv_timer_t *t) {
  pump *p = t->data;
  p->timer_armed = 0;
  if (p->state == S_DONE) return;
  uint64_t now = uv_now(t->loop);
  if (p->deadline > now) return schedule(p, p->deadline - now);
  if (p->retries >= p->max_retries) {
    char reason[64];
    snprintf(reason, sizeof reason, "timed out after %u retransmissions", p->retries);
    return fail(p, reason);
  }
  p->retries++, p->retransmits++;
  p->timeout = p->timeout * 2 < p->max_timeout ? p->timeout * 2 : p->max_timeout;
  if (p->state == S_OACK) send_oack(p);
  else send_window(p);
}

static void on_ack(pump *p, uint16_t wire) {
  if (p->state == S_OACK) {
    if (wire != 0) return; /* stale or bogus: the OACK timer still runs */
    p->state = S_DATA;
    progress(p);
    return send_window(p);
  }
  /* Map the 16-bit number onto the blocks in flight (acked+1 .. sent); anything else is a duplicate or stale ACK and
   * is ignored, which is what prevents Sorcerer's Apprentice syndrome. */
  uint64_t block = p->acked + 1 + (uint16_t)(wire - (uint16_t)(p->acked + 1));
  if (block > p->sent) return;
  p->acked = block;
  progress(p);
  if (block == p->last_block) return finish(p, "complete", NULL);
  send_window(p); /* RFC 7440 §4: an ACK before the window's last block means the rest was lost: resend after it */
}

static int is_peer(const pump *p, const struct sockaddr_storage *from) {
  if (from->ss_family != p->peer.ss_family) return 0;
  if (from->ss_family == AF_INET) {
    const struct sockaddr_in *a = (const void *)from, *b = (const void *)&p->peer;
    return a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr;
  }
  const struct sockaddr_in6 *a = (const void *)from, *b = (const void *)&p->peer;
  return a->sin6_port == b->sin6_port && memcmp(&a->sin6_addr, &b->sin6_addr, sizeof a->sin6_addr) == 0;
}

static void on_readable(uv_poll_t *h, int status, int events) {
  pump *p = h->data;
  if (p->state == S_DONE || status < 0 || !(events & UV_READABLE)) return;
  for (int i = 0; i < READS_PER_TURN && p->state != S_DONE; i++) {
    struct sockaddr_storage from;
    socklen_t fromlen = sizeof from;
    ssize_t n = recvfrom(p->fd, rbuf, sizeof rbuf, 0, (struct sockaddr *)&from, &fromlen);
    if (n < 0) {
      if (errno == EINTR) continue;
      return; /* EAGAIN, or an ICMP error queued on the socket: nothing to read */
    }
    if (!is_peer(p, &from)) {
      /* RFC 1350 §4: tell the stranger, leave the transfer alone. */
      static const uint8_t unknown_tid[] = "\0\5\0\5unknown transfer ID";
      sendto(p->fd, unknown_tid, sizeof unknown_tid, 0, (struct sockaddr *)&from, fromlen);
      p->unknown_tid++;
      continue;
    }
    if (n == 4 && rbuf[0] == 0 && rbuf[1] == 4) {
      on_ack(p, (uint16_t)(rbuf[2] << 8 | rbuf[3]));
      continue;
    }
    napi_handle_scope scope;
    napi_open_handle_scope(p->env, &scope);
    napi_value buf;
    void *copy;
    napi_create_buffer_copy(p->env, (size_t)n, rbuf, &copy, &buf);
    call_js(p, p->on_other, 1, &buf);
    napi_close_handle_scope(p->env, scope);
  }
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  (void)env, (void)hint;
  pump *p = data;
  if (p->state != S_DONE) stop(p), release_js(p); /* dropped unfinished: end silently */
  unref(p);
}

static int parse_addr(const char *s, uint16_t port, struct sockaddr_storage *out, socklen_t *len) {
  memset(out, 0, sizeof *out);
  struct sockaddr_in *a4 = (void *)out;
  struct sockaddr_in6 *a6 = (void *)out;
  if (inet_pton(AF_INET, s, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET, a4->sin_port = htons(port), *len = sizeof *a4;
    return AF_INET;
  }
  if (inet_pton(AF_INET6, s, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6, a6->sin6_port = htons(port), *len = sizeof *a6;
    return AF_INET6;
  }
  return -1;
}

static napi_value throw_sys(napi_env env, const char *what) {
  char msg[160];
  snprintf(msg, sizeof msg, "tftpPumpStart: %s: %s", what, strerror(errno));
  napi_throw_error(env, "ESYSCALL", msg);
  return NULL;
}

static napi_value pump_start(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char bind_s[64] = "", client_s[64] = "";
  int64_t cport = -1;
  uint32_t par[5] = {0};
  void *content = NULL, *oack = NULL;
  size_t content_len = 0, oack_len = 0;
  napi_valuetype t6 = napi_undefined, t7 = napi_undefined, t5 = napi_undefined;
  int ok = argc == 8;
  if (ok) {
    size_t l;
    ok = napi_get_value_string_utf8(env, argv[0], bind_s, sizeof bind_s, &l) == napi_ok &&
         napi_get_value_string_utf8(env, argv[1], client_s, sizeof client_s, &l) == napi_ok &&
         napi_get_value_int64(env, argv[2], &cport) == napi_ok && cport > 0 && cport < 65536;
    for (uint32_t i = 0; ok && i < 5; i++) {
      napi_value v;
      ok = napi_get_element(env, argv[3], i, &v) == napi_ok && napi_get_value_uint32(env, v, &par[i]) == napi_ok;
    }
    ok = ok && napi_get_buffer_info(env, argv[4], &content, &content_len) == napi_ok;
    napi_typeof(env, argv[5], &t5), napi_typeof(env, argv[6], &t6), napi_typeof(env, argv[7], &t7);
    ok = ok && (t5 == napi_null || napi_get_buffer_info(env, argv[5], &oack, &oack_len) == napi_ok) && t6 == napi_function && t7 == napi_function;
    ok = ok && par[0] >= 8 && par[0] <= 65464 && par[1] >= 1 && par[1] <= MAX_WINDOW && par[2] >= 1 && par[3] >= par[2];
  }
  if (!ok) {
    napi_throw_type_error(env, NULL, "tftpPumpStart(bindAddr, clientAddr, clientPort, [blksize, windowsize, timeoutMs, "
                                     "maxTimeoutMs, maxRetries], content, oack | null, onOther, onDone)");
    return NULL;
  }
  pump *p = calloc(1, sizeof *p);
  if (p == NULL) return throw_sys(env, "calloc");
  struct sockaddr_storage local;
  socklen_t local_len;
  int fam = parse_addr(bind_s, 0, &local, &local_len);
  if (fam < 0 || parse_addr(client_s, (uint16_t)cport, &p->peer, &p->peerlen) != fam) {
    free(p);
    napi_throw_error(env, "EINVAL", "tftpPumpStart: addresses must be IP literals of one family (no scope id)");
    return NULL;
  }
  p->fd = socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (p->fd < 0) return free(p), throw_sys(env, "socket");
  if (bind(p->fd, (struct sockaddr *)&local, local_len) != 0 || getsockname(p->fd, (struct sockaddr *)&local, &local_len) != 0) {
    int e = errno;
    close(p->fd), free(p), errno = e;
    return throw_sys(env, "bind");
  }
  p->hdr = calloc(par[1], sizeof *p->hdr), p->iov = calloc(par[1], sizeof *p->iov), p->msgs = calloc(par[1], sizeof *p->msgs);
  p->oack = oack_len ? malloc(oack_len) : NULL;
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  if (!p->hdr || !p->iov || !p->msgs || (oack_len && !p->oack) || uv_poll_init(loop, &p->poll, p->fd) != 0) {
    close(p->fd), free(p->hdr), free(p->iov), free(p->msgs), free(p->oack), free(p);
    napi_throw_error(env, "ESYSCALL", "tftpPumpStart: cannot poll the socket on the event loop");
    return NULL;
  }
  uv_timer_init(loop, &p->timer);
  p->poll.data = p->timer.data = p;
  p->handles_open = 2, p->refs = 2; /* the handles (until closed) + the JS external */
  if (oack_len) memcpy(p->oack, oack, oack_len), p->oack_len = oack_len;
  p->data = content, p->size = content_len, p->env = env;
  p->blksize = par[0], p->windowsize = par[1], p->base_timeout = p->timeout = par[2], p->max_timeout = par[3], p->max_retries = par[4];
  /* RFC 1350 §6: a block shorter than blksize ends the transfer, so a size that is a multiple of blksize (0 too)
   * ends with an empty block. */
  p->last_block = content_len / p->blksize + 1;
  napi_create_reference(env, argv[4], 1, &p->content);
  napi_create_reference(env, argv[6], 1, &p->on_other);
  napi_create_reference(env, argv[7], 1, &p->on_done);
  napi_value name;
  napi_create_string_utf8(env, "stage0-tftp-pump", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &p->ctx);
  uv_poll_start(&p->poll, UV_READABLE, on_readable);
  p->progress_at = uv_now(loop);
  if (oack_len) p->state = S_OACK, send_oack(p);
  else p->state = S_DATA, send_window(p);

  napi_value out, handle, port;
  napi_create_object(env, &out);
  napi_create_external(env, p, finalize_handle, NULL, &handle);
  uint16_t lp = fam == AF_INET ? ntohs(((struct sockaddr_in *)&local)->sin_port) : ntohs(((struct sockaddr_in6 *)&local)->sin6_port);
  napi_create_uint32(env, lp, &port);
  napi_set_named_property(env, out, "handle", handle);
  napi_set_named_property(env, out, "port", port);
  return out;
}

static napi_value pump_end(napi_env env, napi_callback_info info) {
  static const char usage[] = "tftpPumpEnd(handle, outcome, reason, errorPacket | null)";
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 4) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  pump *p = stage0_external_arg(env, argv[0], usage);
  char outcome[16], reason[512];
  size_t l;
  void *pkt = NULL;
  size_t pkt_len = 0;
  napi_valuetype t;
  napi_typeof(env, argv[3], &t);
  if (p == NULL || napi_get_value_string_utf8(env, argv[1], outcome, sizeof outcome, &l) != napi_ok ||
      napi_get_value_string_utf8(env, argv[2], reason, sizeof reason, &l) != napi_ok ||
      (t != napi_null && napi_get_buffer_info(env, argv[3], &pkt, &pkt_len) != napi_ok)) {
    if (p != NULL) napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  if (p->state == S_DONE) return NULL; /* ending a finished transfer is harmless */
  if (pkt_len) send_to_peer(p, pkt, pkt_len);
  finish(p, outcome, reason);
  return NULL;
}

static napi_value pump_state(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out, v;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  pump *p = stage0_external_arg(env, argc == 1 ? argv[0] : NULL, "tftpPumpState(handle)");
  if (p == NULL) return NULL;
  uint64_t now = uv_now(p->timer.loop);
  double vals[7] = {(double)p->acked, (double)p->last_block, (double)p->retries, (double)(now - p->progress_at),
                    p->timer_armed && p->state != S_DONE ? (double)(p->deadline > now ? p->deadline - now : 0) : -1,
                    (double)p->bytes_sent, (double)p->unknown_tid};
  static const char *names[7] = {"acked", "lastBlock", "retries", "sinceProgressMs", "nextRetransmitMs", "bytesSent", "unknownTid"};
  napi_create_object(env, &out);
  for (int i = 0; i < 7; i++) napi_create_double(env, vals[i], &v), napi_set_named_property(env, out, names[i], v);
  return out;
}

STAGE0_ADDON({"tftpPumpStart", pump_start}, {"tftpPumpEnd", pump_end}, {"tftpPumpState", pump_state})
