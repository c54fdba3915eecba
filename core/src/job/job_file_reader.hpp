// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Typed reading of one TOML table of a job file: every value is taken by name, with its type
// checked, and finish() refuses the keys nobody asked for. Errors carry the file, the line and
// the key's full name (action[2].stacker.kernel_size).
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "fstack/frame_action.hpp"
#include "fstack/params.hpp"
#include "job/toml_guarded.hpp"

namespace fstack::jobfile {

[[noreturn]] void fail(const std::filesystem::path& file, int line, const std::string& key, const std::string& what);

class TableReader {
public:
    TableReader(const std::filesystem::path& file, const toml::table& table, std::string prefix);

    bool has(const std::string& key) const { return table_.contains(key); }
    // The node under `key` (nullptr if none), without marking the key as read.
    const toml::node* peek(const std::string& key) const { return table_.get(key); }
    std::optional<std::string> string(const std::string& key);
    std::optional<long long> integer(const std::string& key);
    std::optional<double> number(const std::string& key);  // integer or float
    std::optional<bool> boolean(const std::string& key);
    // A string, or an array of strings (the seed's input_path=['batches', 'stack']).
    std::optional<std::vector<std::string>> strings(const std::string& key);
    std::optional<std::vector<double>> numbers(const std::string& key);
    const toml::table* table(const std::string& key);
    const toml::array* array(const std::string& key);
    // One of `choices`, else an error listing them.
    std::optional<std::string> choice(const std::string& key, std::initializer_list<const char*> choices);
    std::optional<std::string> choice(const std::string& key, const std::vector<std::string>& choices);

    // Value checks with the key's line in the message.
    [[noreturn]] void fail(const std::string& key, const std::string& what) const;
    void check(bool ok, const std::string& key, const std::string& what) const {
        if (!ok) fail(key, what);
    }
    std::string name(const std::string& key) const { return prefix_.empty() ? key : prefix_ + "." + key; }
    int line() const;
    int line(const std::string& key) const;
    const std::filesystem::path& file() const { return file_; }

    // Refuses the keys not read (misspellings, options of another action).
    void finish() const;

private:
    const toml::node* node(const std::string& key);
    const std::filesystem::path& file_;
    const toml::table& table_;
    std::string prefix_;
    std::set<std::string> used_;
};

// The values of `specs` found in the table, by their types (a Choice by its seed name), keyed by
// their name(). A spec with a section is read from the sub-table of that name, whose unknown keys
// are then refused (finish), after `extra(section, reader)` has read the keys of that table that
// are not scalars (called for `r` itself with ""); an alias is read from `r`, over the sectioned
// key. `r` is not finished: the caller may read more. The ranges are the constructor's to check.
ParamValues read_params(TableReader& r, const std::vector<ParamSpec>& specs,
                        const std::function<void(const std::string& section, TableReader&)>& extra = {});

// Fails at `name`, a key of `r` or, as "section.key", of its sub-table `section`.
[[noreturn]] void fail_at(TableReader& r, const std::string& name, const std::string& what);

std::string join(const std::vector<std::string>& items, const std::string& separator);

// job_file_actions.cpp: one table of an Actions' `actions` array (MaskNoise, Vignetting,
// AlignFrames, BalanceFrames), read by walking its frame_action_registry.hpp entry. A Path key
// (MaskNoise's noise_mask) is taken relative to `working` and must pass `input_exists` (it is
// there, or an earlier action writes it), else Error(Input).
std::unique_ptr<FrameAction> read_frame_action(TableReader& r, const std::filesystem::path& working,
                                               const std::function<bool(const std::filesystem::path&)>& input_exists);

}  // namespace fstack::jobfile
