/* What every stage0 addon ends with: one module init that puts its functions on `exports`. Each addon is its own
 * binding.gyp target because one module has one init. Use: STAGE0_ADDON({"name", fn}, {"other", fn2}) */
#ifndef STAGE0_ADDON_H
#define STAGE0_ADDON_H
#include <node_api.h>
#include <stddef.h>

typedef struct {
  const char *name;
  napi_callback cb;
} stage0_export;

static inline napi_value stage0_export_all(napi_env env, napi_value exports, const stage0_export *fns, size_t n) {
  for (size_t i = 0; i < n; i++) {
    napi_value fn;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].cb, NULL, &fn);
    napi_set_named_property(env, exports, fns[i].name, fn);
  }
  return exports;
}

/* The native object behind a handle argument (a napi external made by the addon), or NULL after throwing a
 * TypeError with `usage` (v NULL: the argument is missing). */
static inline void *stage0_external_arg(napi_env env, napi_value v, const char *usage) {
  void *p = NULL;
  if (v == NULL || napi_get_value_external(env, v, &p) != napi_ok || p == NULL) napi_throw_type_error(env, NULL, usage);
  return p;
}

#define STAGE0_ADDON(...)                                                   \
  static napi_value stage0_init(napi_env env, napi_value exports) {         \
    static const stage0_export fns[] = {__VA_ARGS__};                       \
    return stage0_export_all(env, exports, fns, sizeof fns / sizeof fns[0]); \
  }                                                                         \
  NAPI_MODULE(NODE_GYP_MODULE_NAME, stage0_init)

#endif
