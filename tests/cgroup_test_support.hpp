// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A real memory cgroup for a test, where the machine allows one (root, a writable cgroup file
// system with the memory controller): a child of the test's own cgroup (v1 memory.limit_in_bytes
// or v2 memory.max), in which a command is run, removed at the end. Tests skip with the reason
// where it cannot be made: GTEST_SKIP() << why.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "fstack/cgroup_memory.hpp"
#include "test_util.hpp"

namespace fstack::test {

class LimitedCgroup {
public:
    // A fresh cgroup limited to `limit` bytes, v1 or v2 as `v1` says; null with `why_not` set
    // where this machine cannot make one.
    static std::unique_ptr<LimitedCgroup> create(std::uint64_t limit, bool v1, std::string& why_not) {
        if (::geteuid() != 0) {
            why_not = "not root: cannot create a cgroup";
            return nullptr;
        }
        const MemoryStatus status = read_memory_status();
        const OwnCgroup* own = nullptr;
        for (const OwnCgroup& c : status.own)
            if (c.v1 == v1) own = &c;
        if (!own) {
            why_not = std::string("this system has no cgroup ") + (v1 ? "v1 memory hierarchy" : "v2 hierarchy");
            return nullptr;
        }
        static int counter = 0;
        const std::filesystem::path dir =
            own->folder / ("fstack-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
        std::error_code ec;
        if (!std::filesystem::create_directory(dir, ec)) {
            why_not = "cannot create " + dir.string() + ": " + ec.message();
            return nullptr;
        }
        std::unique_ptr<LimitedCgroup> group(new LimitedCgroup(dir));
        const char* file = v1 ? "memory.limit_in_bytes" : "memory.max";
        if (!v1 && !std::filesystem::exists(dir / file)) {
            // v2: the memory controller must be enabled for the children of our cgroup.
            std::ofstream(own->folder / "cgroup.subtree_control") << "+memory";
        }
        std::ofstream out(dir / file);
        out << limit;
        out.close();
        std::ifstream back(dir / file);
        std::uint64_t read = 0;
        if (!out || !(back >> read) || read < limit / 2 || read > limit) {
            why_not = "cannot set " + (dir / file).string() +
                      (v1 ? std::string() : " (the memory controller is not available to this cgroup's children)");
            return nullptr;
        }
        return group;
    }

    ~LimitedCgroup() {
        std::error_code ec;
        std::filesystem::remove(dir_, ec);  // rmdir: the commands run in it have ended
    }

    // A shell command that moves itself into this cgroup, then runs `command`.
    std::string run_inside(const std::string& command) const {
        return "sh -c " + shell_quote("echo $$ > " + shell_quote((dir_ / "cgroup.procs").string()) + " && exec " + command);
    }
    const std::filesystem::path& folder() const { return dir_; }

private:
    explicit LimitedCgroup(std::filesystem::path dir) : dir_(std::move(dir)) {}
    std::filesystem::path dir_;
};

}  // namespace fstack::test
