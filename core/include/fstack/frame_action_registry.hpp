// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The frame actions of the seed's Actions by their names: each one's parameter table, the few
// keys that are not scalars, and how to make one from their values. The job files' actions
// tables and the docs' table of their keys walk this list (as stacker_registry.hpp for the
// stackers); neither names an action's option itself.
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fstack/frame_action.hpp"
#include "fstack/params.hpp"

namespace fstack {

// A key that is not a scalar, so in no ParamTable (whose values are numbers): a path, a string or
// an array of numbers. The front ends read it themselves and hand it to FrameActionInfo::make.
struct ActionKey {
    enum class Kind {
        Path,     // a file the action reads, relative to the job's working folder; it must exist
                  // when the job is loaded, or be written by an earlier action
        String,
        Numbers,  // min_count to max_count numbers
    };
    std::string section;  // as ParamSpec::section: "alignment_config"; empty for a top-level key
    std::string key;      // "border_value"
    Kind kind = Kind::String;
    std::string help{};
    std::string default_value{};  // Path, String: the text itself; Numbers: as TOML, "[0, 0, 0, 0]"
    std::string what{};        // Path: names the file in "not found" errors
    size_t min_count = 0, max_count = 0;

    std::string name() const { return section.empty() ? key : section + "." + key; }
};

// The values given for the ActionKeys, by their name(); an absent key keeps its default.
struct ActionKeyValues {
    std::map<std::string, std::string> strings;          // Path, String
    std::map<std::string, std::vector<double>> numbers;  // Numbers
};

struct FrameActionInfo {
    std::string seed_name;  // job files: type = "AlignFrames"
    std::string help;       // one line for the docs
    const std::vector<ParamSpec>* params;
    std::vector<ActionKey> keys;  // the keys that are not scalars
    // Makes the action with `values` and `keys` over the defaults; the constructor checks them
    // (Error(Usage), whose reason starts with the key's name() when one key is at fault).
    std::function<std::unique_ptr<FrameAction>(const ParamValues& values, const ActionKeyValues& keys)> make;
};

// A frame action answers to its seed name (find_named, named).
bool named_as(const FrameActionInfo& a, const std::string& name);

// MaskNoise, Vignetting, AlignFrames, BalanceFrames: the seed's order of preprocessing.
const std::vector<FrameActionInfo>& frame_action_registry();
// By seed name; nullptr when there is none.
const FrameActionInfo* find_frame_action(const std::string& name);
// By seed name; throws Error(Usage) listing the frame actions for an unknown one.
const FrameActionInfo& frame_action_info(const std::string& name);

}  // namespace fstack
