// libevent's event-config.h defines _GNU_SOURCE; pull in the system's fd_set first so Glibc and
// libevent agree on it.
#include <sys/types.h>
#include <sys/time.h>
#include <sys/select.h>
// epoll itself, only to ask whether it accepts stdin before handing stdin to libevent (it
// refuses regular files and some devices such as /dev/null).
#include <sys/epoll.h>
// The loop's one timer: a timerfd set for an absolute CLOCK_MONOTONIC deadline.
#include <sys/timerfd.h>
#include <event2/event.h>
