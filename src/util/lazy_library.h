#pragma once
// Shared libraries bound on first use. A library osbuild links outright is loaded, relocated and
// initialised (with everything it depends on) before main(), by every osbuild process, even the
// no-op build that never calls it. For the heavy ones only some commands need (libcurl: the
// network; libgit2: git sources; libarchive: unpacking and writing archives), osbuild defines
// the functions it calls itself and forwards each, on its first call, to the library's own
// (dlopen of its soname, dlsym of the name). The headers, types and ABI stay the library's own:
// it is the same library, bound later.
#include <dlfcn.h>

#include <mutex>
#include <string>

#include "osbuild/util/error.h"

namespace osbuild::lazy {

struct Library {
  Library(const char* soname_, const char* hint_) : soname(soname_), hint(hint_) {}
  const char* soname;  // "libcurl.so.4"
  const char* hint;    // how to install it
  void* handle = nullptr;
  std::string failure;
  std::once_flag once;
};

// The symbol `name` of `lib`, loading the library on first use; throws an Error naming the
// library and how to install it when either is missing.
inline void* find(Library& lib, const char* name) {
  std::call_once(lib.once, [&lib] {
    lib.handle = ::dlopen(lib.soname, RTLD_NOW | RTLD_LOCAL);
    if (lib.handle == nullptr) {
      const char* why = ::dlerror();
      lib.failure = why != nullptr ? why : "unknown error";
    }
  });
  if (lib.handle == nullptr) {
    throw Error(std::string("cannot load ") + lib.soname + ": " + lib.failure, lib.hint);
  }
  void* found = ::dlsym(lib.handle, name);
  if (found == nullptr) {
    throw Error(std::string(lib.soname) + " has no " + name + " (an older version?)", lib.hint);
  }
  return found;
}

}  // namespace osbuild::lazy

// Defines `name` with C linkage: its first call looks the library's own up, every call forwards.
#define OSBUILD_LAZY_FORWARD(lib, result, name, params, args)                                   \
  extern "C" result name params {                                                               \
    static const auto fn = reinterpret_cast<result(*) params>(osbuild::lazy::find(lib, #name)); \
    return fn args;                                                                             \
  }
