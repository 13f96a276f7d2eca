/* stage0 native helpers: a raw ICMPv6 socket per interface, for IPv6 Router Advertisements (RFC 4861).
 * Node has no raw sockets. Exposed to JS (see src/net/router-advertiser.ts):
 *   icmp6Open(ifname, onSolicit?) -> handle   onSolicit(srcAddr: string, icmp: Buffer) per Router Solicitation
 *   icmp6Send(handle, dstAddr, icmp: Buffer)  the kernel fills the ICMPv6 checksum (RFC 3542 §3.1)
 *   icmp6Close(handle)
 * Solicitations are received without any thread: libuv polls the fd on Node's own loop and hands each packet to
 * JS through a thread-safe function (which also works from the main thread and gives JS a proper callback scope). */
#define NAPI_VERSION 8
#include <node_api.h>
#include "stage0-addon.h"
#include <uv.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RS_MAX 1280 /* IPv6 minimum MTU: a Router Solicitation is far smaller */

typedef struct {
  int fd;
  unsigned ifindex;
  int closed;
  int refs; /* the JS external + the libuv poll handle (when listening); freed when both are gone */
  int polling;
  uv_poll_t poll;
  napi_threadsafe_function on_solicit;
} ra_socket;

typedef struct {
  char src[INET6_ADDRSTRLEN];
  size_t len;
  unsigned char bytes[RS_MAX];
} rs_packet;

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s (errno %d)", what, strerror(err), err);
  napi_throw_error(env, err == EPERM ? "EPERM" : "ESYSCALL", msg);
  return NULL;
}

static void unref(ra_socket *s) {
  if (--s->refs == 0) free(s);
}

static void on_poll_closed(uv_handle_t *h) { unref((ra_socket *)h->data); }

static void close_socket(ra_socket *s) {
  if (s->closed) return;
  s->closed = 1;
  if (s->polling) {
    uv_poll_stop(&s->poll); /* libuv requires the poll to stop before its fd closes */
    uv_close((uv_handle_t *)&s->poll, on_poll_closed);
    napi_release_threadsafe_function(s->on_solicit, napi_tsfn_abort);
  }
  close(s->fd);
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  (void)env, (void)hint;
  ra_socket *s = data;
  close_socket(s);
  unref(s);
}

/* JS side of the thread-safe function: onSolicit(srcAddr, icmpBytes). */
static void call_js(napi_env env, napi_value fn, void *context, void *data) {
  (void)context;
  rs_packet *p = data;
  if (env != NULL && fn != NULL) {
    napi_value args[2], undef;
    void *copy;
    napi_create_string_utf8(env, p->src, NAPI_AUTO_LENGTH, &args[0]);
    napi_create_buffer_copy(env, p->len, p->bytes, &copy, &args[1]);
    napi_get_undefined(env, &undef);
    napi_call_function(env, undef, fn, 2, args, NULL);
  }
  free(p);
}

/* Drains the socket; RFC 4861 §6.1.1: a valid solicitation arrives with IP hop limit 255 (never routed). */
static void on_readable(uv_poll_t *h, int status, int events) {
  ra_socket *s = h->data;
  if (status < 0 || !(events & UV_READABLE) || s->closed) return;
  for (;;) {
    rs_packet *p = malloc(sizeof *p);
    if (p == NULL) return;
    struct sockaddr_in6 from;
    char cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {p->bytes, sizeof p->bytes};
    struct msghdr msg = {&from, sizeof from, &iov, 1, cbuf, sizeof cbuf, 0};
    ssize_t n = recvmsg(s->fd, &msg, 0);
    if (n < 0) {
      free(p);
      return; /* EAGAIN: drained */
    }
    int hops = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
      if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) memcpy(&hops, CMSG_DATA(c), sizeof hops);
    if (hops != 255 || (msg.msg_flags & MSG_TRUNC)) {
      free(p);
      continue;
    }
    p->len = (size_t)n;
    inet_ntop(AF_INET6, &from.sin6_addr, p->src, sizeof p->src);
    if (napi_call_threadsafe_function(s->on_solicit, p, napi_tsfn_nonblocking) != napi_ok) free(p);
  }
}

static int set_int(int fd, int level, int name, int value) {
  return setsockopt(fd, level, name, &value, sizeof value);
}

/* Every option RFC 4861 needs, in one place; returns the failing call's name or NULL. */
static const char *configure(int fd, const char *ifname, unsigned ifindex, int listen) {
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)(strlen(ifname) + 1)) != 0)
    return "setsockopt(SO_BINDTODEVICE)";
  if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex) != 0)
    return "setsockopt(IPV6_MULTICAST_IF)";
  /* §6.1.2 and §4.2: Neighbor Discovery packets leave with hop limit 255 so receivers can tell they were not routed */
  if (set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255) != 0) return "setsockopt(IPV6_MULTICAST_HOPS)";
  if (set_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255) != 0) return "setsockopt(IPV6_UNICAST_HOPS)";
  if (set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0) != 0) return "setsockopt(IPV6_MULTICAST_LOOP)";
  struct icmp6_filter filter;
  ICMP6_FILTER_SETBLOCKALL(&filter); /* a send-only socket queues nothing */
  if (listen) ICMP6_FILTER_SETPASS(ND_ROUTER_SOLICIT, &filter);
  if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter) != 0) return "setsockopt(ICMP6_FILTER)";
  if (!listen) return NULL;
  if (set_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1) != 0) return "setsockopt(IPV6_RECVHOPLIMIT)";
  /* Hosts solicit all-routers (ff02::2, §6.3.7); a host that does not forward has not joined it. */
  struct ipv6_mreq mreq = {.ipv6mr_interface = ifindex};
  inet_pton(AF_INET6, "ff02::2", &mreq.ipv6mr_multiaddr);
  if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq, sizeof mreq) != 0) return "setsockopt(IPV6_JOIN_GROUP ff02::2)";
  if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) return "fcntl(O_NONBLOCK)";
  return NULL;
}

static napi_value icmp6_open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_valuetype cb_type = napi_undefined;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char ifname[IFNAMSIZ];
  size_t len = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], ifname, sizeof ifname, &len) != napi_ok || len == 0 ||
      len >= IFNAMSIZ - 1) {
    napi_throw_type_error(env, NULL, "icmp6Open(ifname, onSolicit?): ifname must be a non-empty string shorter than IFNAMSIZ");
    return NULL;
  }
  if (argc == 2) napi_typeof(env, argv[1], &cb_type);
  int listen = cb_type == napi_function;
  unsigned ifindex = if_nametoindex(ifname);
  if (ifindex == 0) return throw_errno(env, "if_nametoindex", errno);
  int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
  if (fd < 0) return throw_errno(env, "socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)", errno);
  const char *failed = configure(fd, ifname, ifindex, listen);
  if (failed != NULL) {
    int err = errno;
    close(fd);
    return throw_errno(env, failed, err);
  }
  ra_socket *s = calloc(1, sizeof *s);
  s->fd = fd;
  s->ifindex = ifindex;
  s->refs = 1;
  if (listen) {
    napi_value name;
    napi_create_string_utf8(env, "stage0-router-solicitation", NAPI_AUTO_LENGTH, &name);
    uv_loop_t *loop;
    napi_get_uv_event_loop(env, &loop);
    if (napi_create_threadsafe_function(env, argv[1], NULL, name, 0, 1, NULL, NULL, NULL, call_js, &s->on_solicit) != napi_ok ||
        uv_poll_init(loop, &s->poll, fd) != 0) {
      close(fd);
      free(s);
      napi_throw_error(env, "ESYSCALL", "icmp6Open: cannot poll the socket on the event loop");
      return NULL;
    }
    s->poll.data = s;
    s->polling = 1;
    s->refs = 2;
    uv_poll_start(&s->poll, UV_READABLE, on_readable);
  }
  napi_value handle;
  napi_create_external(env, s, finalize_handle, NULL, &handle);
  return handle;
}

static ra_socket *get_open(napi_env env, napi_value v) {
  ra_socket *s = NULL;
  if (napi_get_value_external(env, v, (void **)&s) != napi_ok || s == NULL) {
    napi_throw_type_error(env, NULL, "expected a handle from icmp6Open");
    return NULL;
  }
  if (s->closed) {
    napi_throw_error(env, "EBADF", "ICMPv6 socket is closed");
    return NULL;
  }
  return s;
}

static napi_value icmp6_send(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 3) {
    napi_throw_type_error(env, NULL, "icmp6Send(handle, dstAddr, bytes) takes 3 arguments");
    return NULL;
  }
  ra_socket *s = get_open(env, argv[0]);
  if (s == NULL) return NULL;
  char dst[INET6_ADDRSTRLEN];
  void *data;
  size_t dlen = 0, blen = 0;
  struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_scope_id = s->ifindex};
  if (napi_get_value_string_utf8(env, argv[1], dst, sizeof dst, &dlen) != napi_ok ||
      inet_pton(AF_INET6, dst, &to.sin6_addr) != 1) {
    napi_throw_type_error(env, NULL, "dstAddr must be an IPv6 address string");
    return NULL;
  }
  if (napi_get_buffer_info(env, argv[2], &data, &blen) != napi_ok || blen < 4) {
    napi_throw_type_error(env, NULL, "bytes must be a Buffer holding an ICMPv6 message");
    return NULL;
  }
  if (sendto(s->fd, data, blen, 0, (struct sockaddr *)&to, sizeof to) < 0) return throw_errno(env, "sendto", errno);
  return NULL;
}

static napi_value icmp6_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  ra_socket *s = NULL;
  if (argc != 1 || napi_get_value_external(env, argv[0], (void **)&s) != napi_ok || s == NULL) {
    napi_throw_type_error(env, NULL, "icmp6Close(handle) takes a handle from icmp6Open");
    return NULL;
  }
  close_socket(s); /* closing twice is harmless */
  return NULL;
}

STAGE0_ADDON({"icmp6Open", icmp6_open}, {"icmp6Send", icmp6_send}, {"icmp6Close", icmp6_close})
