#pragma once
// The process groups of running children, reachable from the interrupt handler.
#include <sys/types.h>

#include <cstddef>

namespace osbuild::process {

// A slot in the table, or a value past its end when it is full (the group then misses interrupts
// but is still killed when its leader exits).
std::size_t register_group(pid_t pgid);
void unregister_group(std::size_t slot);
// Set by the interrupt handler; a child spawned after it is told to stop at once.
bool interrupt_pending();

}  // namespace osbuild::process
