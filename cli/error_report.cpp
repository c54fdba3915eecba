// SPDX-License-Identifier: GPL-3.0-or-later
#include "error_report.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <new>

#include <opencv2/core.hpp>

#include "exit_codes.hpp"
#include "fstack/atomic_file.hpp"

namespace fstack::cli {
namespace {

void print_error(const std::string& message) {
    std::fprintf(stderr, "fstack: error: %s\n", message.c_str());
    std::fflush(stderr);
}

}  // namespace

std::string describe(const Error& error) { return error.what(); }  // file: frame n: reason

Failure describe_failure(const std::exception_ptr& failure) {
    try {
        std::rethrow_exception(failure);
    } catch (const Error& e) {
        return {e.kind() == ErrorKind::Cancelled ? std::string() : describe(e), exit_code_for(e.kind()), e.kind()};
    } catch (const std::filesystem::filesystem_error& e) {
        // core/ wraps its own file errors; one reaching here comes from an unforeseen path.
        return {e.what(), kExitInternal};
    } catch (const cv::Exception& e) {
        return {"OpenCV: " + e.msg + " (this is a bug: please report it)", kExitInternal};
    } catch (const std::bad_alloc&) {
        return {"out of memory", kExitInternal};
    } catch (const std::exception& e) {
        return {std::string(e.what()) + " (this is a bug: please report it)", kExitInternal};
    } catch (...) {
        return {"unknown failure (this is a bug: please report it)", kExitInternal};
    }
}

int run_guarded(const std::function<int()>& command) {
    int code = kExitInternal;
    try {
        code = command();
    } catch (...) {
        const Failure f = describe_failure(std::current_exception());
        if (f.kind == ErrorKind::Cancelled) std::fprintf(stderr, "fstack: interrupted\n");
        else print_error(f.message);
        code = f.exit_code;
    }
    remove_pending_temporaries();
    return code;
}

}  // namespace fstack::cli
