// SPDX-License-Identifier: GPL-3.0-or-later
// FSTACK_TEST_CANCEL_AT: the plug-in ends as a cancel in GIMP ends it, at the stage named.
#include "test_cancel.hpp"

#include <csignal>
#include <cstdlib>

namespace fstack::gimp {

void test_cancel_point(const std::string& progress_text) {
    static const char* at = std::getenv("FSTACK_TEST_CANCEL_AT");
    if (at && *at && progress_text.rfind(at, 0) == 0) std::raise(SIGKILL);
}

}  // namespace fstack::gimp
