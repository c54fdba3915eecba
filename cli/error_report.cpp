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

int run_guarded(const std::function<int()>& command) {
    int code = kExitInternal;
    try {
        code = command();
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Cancelled) {
            std::fprintf(stderr, "fstack: interrupted\n");
        } else {
            print_error(describe(e));
        }
        code = exit_code_for(e.kind());
    } catch (const std::filesystem::filesystem_error& e) {
        // core/ wraps its own file errors; one reaching here comes from an unforeseen path.
        print_error(e.what());
        code = kExitInternal;
    } catch (const cv::Exception& e) {
        print_error("OpenCV: " + e.msg + " (this is a bug: please report it)");
        code = kExitInternal;
    } catch (const std::bad_alloc&) {
        print_error("out of memory");
        code = kExitInternal;
    } catch (const std::exception& e) {
        print_error(std::string(e.what()) + " (this is a bug: please report it)");
        code = kExitInternal;
    }
    remove_pending_temporaries();
    return code;
}

}  // namespace fstack::cli
