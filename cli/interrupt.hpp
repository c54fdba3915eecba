// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace fstack::cli {

// SIGINT, SIGTERM and SIGHUP (unless ignored, as under nohup) only raise a flag, which
// Progress::cancelled() polls between frames and between the steps of one frame: core/ then
// unwinds with Error(Cancelled) and its temporary files are removed on the way out. A second
// signal kills the process at once, for when a single step takes too long. SIGPIPE is
// ignored: a reader of the progress going away is no reason to lose the stack.
void install_interrupt_handler();
bool interrupted();

}  // namespace fstack::cli
