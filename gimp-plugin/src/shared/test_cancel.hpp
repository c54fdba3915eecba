// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A test hook for the "cancel leaves the image as it was" tests. Pressing Cancel on GIMP's
// progress bar ends the plug-in process; no script can press it. With FSTACK_TEST_CANCEL_AT set
// to the start of a progress text ("Frame actions", "Stack", "Preparing layers", "Creating
// layers"), the plug-in ends itself the same way (SIGKILL) when that stage begins. Unset, this
// does nothing.
#include <string>

namespace fstack::gimp {

void test_cancel_point(const std::string& progress_text);

}  // namespace fstack::gimp
