add_library(osbuild_warnings INTERFACE)
target_compile_options(osbuild_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wimplicit-fallthrough
  $<$<BOOL:${OSBUILD_WARNINGS_AS_ERRORS}>:-Werror>)
