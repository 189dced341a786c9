# Run at build time (`cmake -P`, by the stampede_git_commit target): writes the git commit of the
# source tree, with "-dirty" when tracked files differ from it, into OUT as a #define. The file is
# rewritten only when that text changes, so a build with nothing new recompiles and relinks nothing.
#   -DSOURCE_DIR=<the source tree> -DOUT=<the header to write>
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE failed)
if(failed OR NOT commit)
  set(commit "unknown")  # not a git checkout (a source archive) or no git
else()
  # Staged or unstaged changes to tracked files; untracked files do not count (as git describe --dirty).
  execute_process(COMMAND git --no-optional-locks status --porcelain --untracked-files=no WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE changes OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE failed)
  if(failed OR changes)
    string(APPEND commit "-dirty")
  endif()
endif()
set(text "// Generated at build time by cmake/StampedeGitCommit.cmake: the source tree's git commit.\n#define STAMPEDE_GIT_COMMIT \"${commit}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
else()
  set(old "")
endif()
if(NOT old STREQUAL text)
  file(WRITE ${OUT} "${text}")
endif()
