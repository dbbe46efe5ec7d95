// libcurl, bound on first use (lazy_library.h): linked outright, libcurl4 brings in Kerberos,
// LDAP, GnuTLS, p11-kit and a dozen more libraries, which cost every osbuild process about 9 ms
// before main(), even a no-op build that never opens a socket (bench/README.md, "build").
#define CURL_DISABLE_TYPECHECK 1  // the definitions below must not meet curl.h's checking macros
#include <curl/curl.h>

#include <cstdarg>

#include "lazy_library.h"

namespace {

osbuild::lazy::Library libcurl{"libcurl.so.4", "install libcurl: apt-get install libcurl4"};

// curl_easy_setopt and curl_multi_setopt take one argument whose type the option's number
// range says (curl.h, CURLOPTTYPE_*): forward it with that type.
template <typename Handle, typename Option, typename Result>
Result forward_option(Result (*fn)(Handle*, Option, ...), Handle* handle, Option option,
                      va_list args) {
  long number = static_cast<long>(option);
  if (number < CURLOPTTYPE_OBJECTPOINT) {
    return fn(handle, option, va_arg(args, long));
  }
  if (number < CURLOPTTYPE_FUNCTIONPOINT) {
    return fn(handle, option, va_arg(args, void*));
  }
  if (number < CURLOPTTYPE_OFF_T) {
    return fn(handle, option, va_arg(args, void (*)()));
  }
  if (number < CURLOPTTYPE_BLOB) {
    return fn(handle, option, va_arg(args, curl_off_t));
  }
  return fn(handle, option, va_arg(args, void*));
}

}  // namespace

#define OSBUILD_CURL_FORWARD(result, name, params, args) \
  OSBUILD_LAZY_FORWARD(libcurl, result, name, params, args)

OSBUILD_CURL_FORWARD(CURLcode, curl_global_init, (long flags), (flags))
OSBUILD_CURL_FORWARD(void, curl_free, (void* p), (p))
OSBUILD_CURL_FORWARD(curl_slist*, curl_slist_append, (curl_slist * list, const char* text),
                     (list, text))
OSBUILD_CURL_FORWARD(void, curl_slist_free_all, (curl_slist * list), (list))
OSBUILD_CURL_FORWARD(time_t, curl_getdate, (const char* p, const time_t* unused), (p, unused))
OSBUILD_CURL_FORWARD(curl_version_info_data*, curl_version_info, (CURLversion age), (age))
OSBUILD_CURL_FORWARD(const char*, curl_easy_strerror, (CURLcode code), (code))
OSBUILD_CURL_FORWARD(CURL*, curl_easy_init, (void), ())
OSBUILD_CURL_FORWARD(CURLcode, curl_easy_perform, (CURL * curl), (curl))
OSBUILD_CURL_FORWARD(void, curl_easy_cleanup, (CURL * curl), (curl))
OSBUILD_CURL_FORWARD(CURLM*, curl_multi_init, (void), ())
OSBUILD_CURL_FORWARD(CURLMcode, curl_multi_add_handle, (CURLM * multi, CURL* easy), (multi, easy))
OSBUILD_CURL_FORWARD(CURLMcode, curl_multi_remove_handle, (CURLM * multi, CURL* easy),
                     (multi, easy))
OSBUILD_CURL_FORWARD(CURLMcode, curl_multi_poll,
                     (CURLM * multi, struct curl_waitfd extra_fds[], unsigned int extra_nfds,
                      int timeout_ms, int* ret),
                     (multi, extra_fds, extra_nfds, timeout_ms, ret))
OSBUILD_CURL_FORWARD(CURLMcode, curl_multi_perform, (CURLM * multi, int* running), (multi, running))
OSBUILD_CURL_FORWARD(CURLMcode, curl_multi_cleanup, (CURLM * multi), (multi))
OSBUILD_CURL_FORWARD(CURLMsg*, curl_multi_info_read, (CURLM * multi, int* queued), (multi, queued))
OSBUILD_CURL_FORWARD(CURLU*, curl_url, (void), ())
OSBUILD_CURL_FORWARD(CURLU*, curl_url_dup, (CURLU * url), (url))
OSBUILD_CURL_FORWARD(void, curl_url_cleanup, (CURLU * url), (url))
OSBUILD_CURL_FORWARD(CURLUcode, curl_url_get,
                     (CURLU * url, CURLUPart what, char** part, unsigned int flags),
                     (url, what, part, flags))
OSBUILD_CURL_FORWARD(CURLUcode, curl_url_set,
                     (CURLU * url, CURLUPart what, const char* part, unsigned int flags),
                     (url, what, part, flags))
OSBUILD_CURL_FORWARD(const char*, curl_url_strerror, (CURLUcode code), (code))

#define OSBUILD_CURL_FORWARD_OPTION(result, name, handle_type, option_type)              \
  extern "C" result name(handle_type* handle, option_type option, ...) {                 \
    static const auto fn = reinterpret_cast<result (*)(handle_type*, option_type, ...)>( \
        osbuild::lazy::find(libcurl, #name));                                               \
    va_list args;                                                                        \
    va_start(args, option);                                                              \
    result out = forward_option(fn, handle, option, args);                               \
    va_end(args);                                                                        \
    return out;                                                                          \
  }

OSBUILD_CURL_FORWARD_OPTION(CURLcode, curl_easy_setopt, CURL, CURLoption)
OSBUILD_CURL_FORWARD_OPTION(CURLMcode, curl_multi_setopt, CURLM, CURLMoption)

extern "C" CURLcode curl_easy_getinfo(CURL* curl, CURLINFO info, ...) {
  static const auto fn = reinterpret_cast<CURLcode (*)(CURL*, CURLINFO, ...)>(
      osbuild::lazy::find(libcurl, "curl_easy_getinfo"));
  va_list args;
  va_start(args, info);
  void* out = va_arg(args, void*);  // every CURLINFO_* takes a pointer to its result
  va_end(args);
  return fn(curl, info, out);
}
