// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What each procedure is called and says, shared by both registrations.
#include <vector>

#include "host.hpp"
#include "params.hpp"

namespace fstack::gimp {

struct ProcedureDef {
    const char* name;        // PDB name
    const char* menu_label;
    const char* blurb;
    const char* help;
    const std::vector<ParamDef>& (*params)();
    LayerId (*run)(Host& host, const ParamValues& values);  // returns the layer it made, or kNoLayer
};

constexpr const char* kMenuPath = "<Image>/Filters/Focus Stacking";
constexpr const char* kAuthor = "fstack developers";
constexpr const char* kCopyright = "GPL-3.0-or-later";
constexpr const char* kDate = "2026";

// The procedures this build offers ("Align Layers..." only where the core can align).
std::vector<ProcedureDef> procedures();
const ProcedureDef* find_procedure(const char* name);

}  // namespace fstack::gimp
