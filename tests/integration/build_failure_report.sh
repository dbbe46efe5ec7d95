#!/usr/bin/env bash
# A failing build prints the command, the end of its log, the log's path, and the missing program;
# a failure stops dependents from starting.
source "$OSBUILD_TESTS/integration/build_lib.bash"
script_project "$TEST_TMP/project"
cd "$PROJECT" || exit 1
script_package broken 'set -e
echo "line before the failure"
osbuild-no-such-tool --version
echo never'
script_package after 'true' 'depends = ["broken"]'
run build package after
expect_status 1
expect_contains "build of broken failed: \`sh $PROJECT/packages/broken/build.sh\` exited with status 127"
expect_contains "  | line before the failure"
expect_contains "log: $PROJECT/build/logs/$(uname -m)/broken.log"
expect_contains "missing: osbuild-no-such-tool (asked for by package broken)"
expect_contains "1 of 2 packages failed, 1 not started"
expect_not_contains "never"
finish
