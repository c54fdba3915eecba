// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The stackers by the seed's names: what each is called, its parameter table, and how to make
// one from parameter values. The CLI's --stacker, the job files' stacker tables, the GIMP
// "stacker" choice and the docs walk this list; none of them names a stacker's option itself.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fstack/params.hpp"
#include "fstack/stacker.hpp"

namespace fstack {

struct StackerInfo {
    std::string seed_name;  // job files: type = "PyramidStack"
    std::string id;         // --stacker pyramid, the GIMP 3 choice id
    std::string label;      // the GIMP choice's label
    std::string group;      // the CLI help group and the docs' heading: "Pyramid stacker"
    std::string help;       // one line for --stacker's help and the docs
    const std::vector<ParamSpec>* params;
    // Makes the stacker with `values` over the defaults; the constructor checks them (Error(Usage)).
    std::function<std::unique_ptr<Stacker>(const ParamValues&)> make;
};

// A stacker answers to its seed name and its id (find_named, named).
bool named_as(const StackerInfo& s, const std::string& name);

// PyramidStack (the default), DepthMapStack, FocusStacker.
const std::vector<StackerInfo>& stacker_registry();
// By seed name or id; nullptr when there is none.
const StackerInfo* find_stacker(const std::string& name);
// By seed name or id; throws Error(Usage) listing the stackers for an unknown one.
const StackerInfo& stacker_info(const std::string& name);

}  // namespace fstack
