/* Preloaded before libfaketime by .ci/run: sleeps on the monotonic clock go to the kernel
 * untouched.
 *
 * Python 3.11 sleeps with clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, ...). With
 * FAKETIME_DONT_FAKE_MONOTONIC=1 (needed, or every timed wait on a thread hangs) libfaketime
 * 0.9.10 still shifts that deadline by the fake offset and the kernel answers EINVAL
 * (wolfcw/libfaketime#426, fixed after Debian 12's 0.9.10). Other clocks pass through.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

typedef int (*clock_nanosleep_fn)(clockid_t, int, const struct timespec *, struct timespec *);

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *request,
                    struct timespec *remain) {
    if (clock == CLOCK_MONOTONIC) {
        /* clock_nanosleep answers the error number itself, not -1 and errno. */
        return syscall(SYS_clock_nanosleep, clock, flags, request, remain) == 0 ? 0 : errno;
    }
    static clock_nanosleep_fn next;
    if (next == NULL) {
        next = (clock_nanosleep_fn)dlsym(RTLD_NEXT, "clock_nanosleep");
    }
    return next(clock, flags, request, remain);
}
