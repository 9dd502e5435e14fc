// libevent's event-config.h defines _GNU_SOURCE; pull in the system's fd_set first so Glibc and
// libevent agree on it.
#include <sys/types.h>
#include <sys/time.h>
#include <sys/select.h>
#include <event2/event.h>
