# Writes version.h from version.h.in with the git commit of the source tree. Run at configure time
# and again at every build (the osbuild_version target), so the commit follows the checkout without
# a reconfigure; configure_file leaves the header untouched when nothing changed, so nothing
# recompiles then.
# Inputs: SOURCE_DIR, OUTPUT, PROJECT_VERSION.
set(OSBUILD_GIT_COMMIT "unknown")
find_program(GIT_EXECUTABLE git)
if(GIT_EXECUTABLE)
  execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} rev-parse --show-toplevel
                  OUTPUT_VARIABLE top RESULT_VARIABLE top_rc ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  # Only the source tree's own repository counts, not one that happens to hold it.
  if(top_rc EQUAL 0 AND top)
    file(REAL_PATH "${top}" top_real)
    file(REAL_PATH "${SOURCE_DIR}" source_real)
  endif()
  if(top_rc EQUAL 0 AND top_real STREQUAL source_real)
    execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} rev-parse --short=12 HEAD
                    OUTPUT_VARIABLE commit RESULT_VARIABLE commit_rc ERROR_QUIET
                    OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(commit_rc EQUAL 0 AND commit)
      set(OSBUILD_GIT_COMMIT "${commit}")
      execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} diff --quiet HEAD --
                      RESULT_VARIABLE dirty_rc OUTPUT_QUIET ERROR_QUIET)
      if(dirty_rc EQUAL 1)
        string(APPEND OSBUILD_GIT_COMMIT "-dirty")
      endif()
    endif()
  endif()
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/version.h.in ${OUTPUT} @ONLY)
