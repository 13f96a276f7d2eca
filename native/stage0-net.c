/* stage0 native helpers: SO_BINDTODEVICE for a socket Node's dgram has already opened.
 * Node cannot bind a UDP socket to an interface; DHCP replies to clients without an address must
 * leave through the interface the request came in on (one socket per interface, see src/net/dhcp-listener.ts). */
#define NAPI_VERSION 8
#include <node_api.h>
#include "stage0-addon.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <sys/socket.h>

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, err == EPERM ? "EPERM" : "ESYSCALL", msg);
  return NULL;
}

/* bindToDevice(fd: number, ifname: string): void — setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname). */
static napi_value bind_to_device(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2) {
    napi_throw_type_error(env, NULL, "bindToDevice(fd, ifname) takes 2 arguments");
    return NULL;
  }
  int32_t fd;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, NULL, "fd must be a non-negative integer");
    return NULL;
  }
  char ifname[IFNAMSIZ];
  size_t len = 0;
  if (napi_get_value_string_utf8(env, argv[1], ifname, sizeof ifname, &len) != napi_ok || len == 0 ||
      len >= IFNAMSIZ - 1) {
    napi_throw_type_error(env, NULL, "ifname must be a non-empty string shorter than IFNAMSIZ");
    return NULL;
  }
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)(len + 1)) != 0)
    return throw_errno(env, "setsockopt(SO_BINDTODEVICE)", errno);
  return NULL;
}

STAGE0_ADDON({"bindToDevice", bind_to_device})
