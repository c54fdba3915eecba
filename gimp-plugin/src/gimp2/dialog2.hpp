// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include "../shared/procedures.hpp"

namespace fstack::gimp {

// The GIMP 2.10 dialog, built from the parameter table (GIMP 3 generates its own). Edits
// `values` in place; false when the user cancels.
bool run_dialog2(const ProcedureDef& proc, ParamValues& values);

}  // namespace fstack::gimp
