#!/usr/bin/env bash
# hello-os 1.4.0 → 1.5.0 → a failing 1.6.0 on x86_64: tests/boot/update_cycle.bash.
UPDATE_ARCH=x86_64
source "$OSBUILD_TESTS/boot/update_cycle.bash"
