// SPDX-License-Identifier: GPL-3.0-or-later
// Progress reporting and cancellation shared by every operation.
#include "fstack/progress.hpp"

#include "fstack/error.hpp"

namespace fstack {

void Progress::check_cancel() {
    if (cancelled()) throw Error(ErrorKind::Cancelled, "cancelled");
}

Progress& null_progress() {
    static Progress silent;
    return silent;
}

}  // namespace fstack
