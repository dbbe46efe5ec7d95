# Compile through ccache when it is installed (OSBUILD_CCACHE, on by default). The launcher sets
# base_dir to the source tree and turns off hashing the build folder, so a fresh clone in another
# folder (CI) finds what an earlier clone compiled: the same source and flags give the same
# object. Objects then carry the first clone's folder in their debug info, which only a debugger
# reads.
option(OSBUILD_CCACHE "compile through ccache when it is installed" ON)
if(OSBUILD_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  find_program(OSBUILD_CCACHE_PROGRAM ccache)
  if(OSBUILD_CCACHE_PROGRAM)
    set(launcher ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${CMAKE_SOURCE_DIR} CCACHE_NOHASHDIR=1
                 ${OSBUILD_CCACHE_PROGRAM})
    set(CMAKE_C_COMPILER_LAUNCHER ${launcher})
    set(CMAKE_CXX_COMPILER_LAUNCHER ${launcher})
  endif()
endif()
