// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The procedures' parameters as one table. Both hosts register their PDB arguments, build their
// dialogs and remember last values by walking this table, so the GIMP 3 and GIMP 2.10 glue
// never lists an option by hand and the two versions cannot drift apart.
#include <map>
#include <string>
#include <vector>

namespace fstack::gimp {

enum class ParamKind { Bool, Int, Double, Choice };

struct Choice {
    const char* id;     // what Script-Fu/Python pass in GIMP 3 ("pyramid")
    const char* label;  // what the dialog shows
};

struct ParamDef {
    const char* name;   // PDB argument name (canonical: lower case and '-')
    const char* label;  // dialog label, with a mnemonic
    const char* help;   // PDB blurb and tooltip
    ParamKind kind;
    double def, min, max;
    std::vector<Choice> choices;  // Choice only; GIMP 2.10 passes the index
    // The stackers (their "stacker" choice ids, space-separated) that use this parameter; the
    // dialogs grey it out for the others. nullptr: not a stacker option.
    const char* stackers = nullptr;
    // The dialog section the parameter sits in (kFrames, kStacker, kFrameActions, kOutput).
    const char* section = nullptr;
};

// The dialogs' sections, in the order both dialogs show them.
constexpr const char* kFrames = "Frames";
constexpr const char* kStacker = "Stacker";
constexpr const char* kFrameActions = "Frame actions";
constexpr const char* kOutput = "Output";

// The sections `defs` uses, in dialog order, each with its parameters in table order.
struct Section {
    const char* title;
    std::vector<const ParamDef*> params;
};
std::vector<Section> sections(const std::vector<ParamDef>& defs);

// True when the stacker `stacker_id` uses parameter `d` (always, for a non-stacker parameter).
bool used_by_stacker(const ParamDef& d, const std::string& stacker_id);

// Values by parameter name; a Choice holds its index, a Bool 0/1.
using ParamValues = std::map<std::string, double>;

const std::vector<ParamDef>& stack_params();  // "Focus Stack Layers..."
const std::vector<ParamDef>& align_params();  // "Align Layers..."

ParamValues defaults(const std::vector<ParamDef>& defs);
// The parameter `name` of `defs` (throws fstack::Error(Usage) for an unknown name).
const ParamDef& param(const std::vector<ParamDef>& defs, const std::string& name);
// The index of choice `id` of parameter `name`, or -1.
int choice_index(const ParamDef& def, const std::string& id);
// The id of the choice `values` holds for the Choice parameter `name` of `defs` ("" past the last).
std::string choice_id(const std::vector<ParamDef>& defs, const ParamValues& values, const char* name);
// Checks ranges and odd kernel sizes; throws fstack::Error(Usage) naming the parameter.
void validate(const std::vector<ParamDef>& defs, const ParamValues& values);

// The chosen stacker's values by the core's keys (kernel_size), from the arguments (kernel-size).
ParamValues stacker_values(const ParamValues& values);

// True when the core has the frame actions (alignment, balance, vignetting) that the
// "Align Layers..." procedure and the alignment options need.
bool have_frame_actions();

}  // namespace fstack::gimp
