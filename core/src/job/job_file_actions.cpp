// SPDX-License-Identifier: GPL-3.0-or-later
// The frame actions of a job file's Actions, read by walking their parameter tables
// (frame_action_registry.hpp): no action's key is named here.
#include "fstack/error.hpp"
#include "fstack/frame_action_registry.hpp"
#include "job/job_file_reader.hpp"

namespace fstack::jobfile {
namespace fs = std::filesystem;

namespace {

// A constructor's Error(Usage) at the key its reason starts with ("matching_config.threshold
// must be in (0, 1], got 2": at that key, as the file spells it), else at the action's type.
[[noreturn]] void fail_usage(TableReader& r, const FrameActionInfo& info, const std::string& reason) {
    std::vector<std::pair<std::string, std::string>> names;  // the name in the reason, the key in the file
    for (const ParamSpec& s : *info.params)
        names.emplace_back(s.name(), !s.alias.empty() && r.has(s.alias) ? s.alias : s.name());
    for (const ActionKey& k : info.keys) names.emplace_back(k.name(), k.name());
    for (const auto& [name, key] : names)
        if (reason.rfind(name + " ", 0) == 0) fail_at(r, key, reason.substr(name.size() + 1));
    r.fail("type", reason);
}

}  // namespace

std::unique_ptr<FrameAction> read_frame_action(TableReader& r, const fs::path& working,
                                               const std::function<bool(const fs::path&)>& input_exists) {
    std::vector<std::string> types;
    for (const FrameActionInfo& a : frame_action_registry()) types.push_back(a.seed_name);
    const auto type = r.choice("type", types);
    if (!type) r.fail("type", "missing: " + join(types, ", "));
    const FrameActionInfo& info = frame_action_info(*type);

    // The keys that are not scalars (a path, a string, an array of numbers) are in no parameter
    // table: the registry lists them, and they are read here, each in its (sub-)table.
    ActionKeyValues keys;
    const auto read_keys = [&](const std::string& section, TableReader& t) {
        for (const ActionKey& k : info.keys) {
            if (k.section != section) continue;
            if (k.kind == ActionKey::Kind::Numbers) {
                if (auto v = t.numbers(k.key)) keys.numbers[k.name()] = *v;
            } else if (auto v = t.string(k.key)) {
                keys.strings[k.name()] = *v;
            }
        }
    };
    const ParamValues values = read_params(r, *info.params, read_keys);

    // An input file must be there when the job is loaded, not when its action runs.
    for (const ActionKey& k : info.keys) {
        if (k.kind != ActionKey::Kind::Path) continue;
        const auto given = keys.strings.find(k.name());
        const fs::path p = given != keys.strings.end() ? fs::path(given->second) : fs::path(k.default_value);
        const fs::path full = p.is_relative() ? working / p : p;
        if (input_exists(full)) continue;
        try {
            fail_at(r, k.name(), k.what + " not found: " + full.string());
        } catch (const Error& e) {
            throw Error(ErrorKind::Input, e.file(), -1, e.reason());
        }
    }

    std::unique_ptr<FrameAction> action;
    try {
        action = info.make(values, keys);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::Usage) throw;
        fail_usage(r, info, e.reason());
    }
    r.finish();
    return action;
}

}  // namespace fstack::jobfile
