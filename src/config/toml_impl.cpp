// toml++'s implementation, compiled once here (every other file sees its declarations only,
// TOML_HEADER_ONLY=0): the parser Debian ships as libtomlplusplus, linked into osbuild instead
// of loaded. Under the sanitizers and the fuzzer it is built without instrumentation, as the
// shared library was (CMakeLists.txt): its parser 3.3.0 trips its own assertion and UBSan on
// inputs the fuzzer finds in seconds (tests/fuzz/corpus/config/toml-parse-key-assert).
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
