/*
 * floor.c: the floor of `make bench`, the least work a JSON-over-pipe echo node can do.
 *
 * libevent on fd 0 and 1, reads of up to 64 KiB into one buffer, lines split with memchr, a hand
 * scanner that finds "src", "dest", "type", "msg_id" and "echo" by key name (it trusts
 * Maelstrom's well-formed, string-valued echoes and validates nothing), replies written into one
 * output buffer in Python's format, and one write() per chunk read. While a write would block it
 * stops reading, so memory stays at about one chunk. On end of input it flushes and exits 0.
 * Built by `make bench`: cc -O2 bench/floor.c $(pkg-config --cflags --libs libevent_core).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#define CHUNK (1 << 16)

static struct event_base *base;
static struct event *reader, *writer;
static char in[CHUNK];
static size_t in_len;
static char *out;
static size_t out_len, out_cap, out_done;
static long long next_msg_id;
static int at_eof;

static void die(const char *call) {
    fprintf(stderr, "floor: %s failed: %s\n", call, strerror(errno));
    exit(70);
}

/* The value after `"key":` in [p, end), or NULL: the first quoted `key` followed by a colon. */
static const char *find(const char *p, const char *end, const char *key, size_t key_len) {
    while ((p = memchr(p, '"', (size_t)(end - p))) && end - p > (long)key_len + 2) {
        const char *q = p + 1 + key_len;
        if (*q == '"' && memcmp(p + 1, key, key_len) == 0) {
            for (q++; q < end && *q == ' '; q++) {}
            if (q < end && *q == ':') { /* a key, not a string value that reads the same */
                for (q++; q < end && *q == ' '; q++) {}
                return q;
            }
        }
        p++;
    }
    return NULL;
}
#define FIND(p, end, key) find((p), (end), (key), sizeof(key) - 1)

/* A string value's raw bytes (escapes kept) in *s, *n; 0, or -1 when p is not at a string. */
static int string_at(const char *p, const char *end, const char **s, size_t *n) {
    if (!p || p >= end || *p != '"') return -1;
    const char *q = ++p;
    while (q < end && *q != '"') q += *q == '\\' ? 2 : 1;
    if (q >= end) return -1;
    *s = p;
    *n = (size_t)(q - p);
    return 0;
}

static void put(const char *s, size_t n) {
    if (out_len + n > out_cap) {
        while (out_len + n > out_cap) out_cap = out_cap ? out_cap * 2 : CHUNK * 4;
        if (!(out = realloc(out, out_cap))) die("realloc");
    }
    memcpy(out + out_len, s, n);
    out_len += n;
}
#define PUT(lit) put((lit), sizeof(lit) - 1)

static void put_int(long long v) {
    char digits[24], *d = digits + sizeof digits;
    unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
    do *--d = (char)('0' + u % 10); while (u /= 10);
    if (v < 0) *--d = '-';
    put(d, (size_t)(digits + sizeof digits - d));
}

static void handle(const char *line, const char *end) {
    const char *src, *dest, *type, *echo = NULL, *body = FIND(line, end, "body");
    size_t src_n, dest_n, type_n, echo_n = 0;
    if (!body || string_at(FIND(line, end, "src"), end, &src, &src_n) < 0 ||
        string_at(FIND(line, end, "dest"), end, &dest, &dest_n) < 0 ||
        string_at(FIND(body, end, "type"), end, &type, &type_n) < 0) {
        fprintf(stderr, "floor: malformed line skipped\n");
        return;
    }
    const char *id = FIND(body, end, "msg_id");
    int is_echo = type_n == 4 && memcmp(type, "echo", 4) == 0;
    if (is_echo && string_at(FIND(body, end, "echo"), end, &echo, &echo_n) < 0) return;
    PUT("{\"src\": \"");
    put(dest, dest_n);
    PUT("\", \"dest\": \"");
    put(src, src_n);
    if (is_echo) {
        PUT("\", \"body\": {\"type\": \"echo_ok\", \"echo\": \"");
        put(echo, echo_n);
        PUT("\", \"in_reply_to\": ");
    } else if (type_n == 4 && memcmp(type, "init", 4) == 0) {
        PUT("\", \"body\": {\"type\": \"init_ok\", \"in_reply_to\": ");
    } else {
        PUT("\", \"body\": {\"type\": \"error\", \"code\": 10, \"in_reply_to\": ");
    }
    put_int(id ? strtoll(id, NULL, 10) : 0);
    PUT(", \"msg_id\": ");
    put_int(next_msg_id++);
    PUT("}}\n");
}

/* Writes what is queued; waits for fd 1 (not reading meanwhile) when the pipe is full. */
static void flush(void) {
    while (out_done < out_len) {
        ssize_t n = write(1, out + out_done, out_len - out_done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) {
            if (event_del(reader) < 0 || event_add(writer, NULL) < 0) die("event_add");
            return;
        }
        if (n < 0) die("write");
        out_done += (size_t)n;
    }
    out_len = out_done = 0;
    if (at_eof) {
        if (event_base_loopbreak(base) < 0) die("event_base_loopbreak");
    } else if (!event_pending(reader, EV_READ, NULL) && event_add(reader, NULL) < 0) {
        die("event_add");
    }
}

static void on_writable(evutil_socket_t fd, short what, void *arg) {
    (void)fd, (void)what, (void)arg;
    flush();
}

static void on_readable(evutil_socket_t fd, short what, void *arg) {
    (void)what, (void)arg;
    if (in_len == sizeof in) { /* a line longer than the buffer: the floor does not grow it */
        fprintf(stderr, "floor: line over %d bytes skipped\n", CHUNK);
        in_len = 0;
    }
    ssize_t n = read((int)fd, in + in_len, sizeof in - in_len);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n < 0) die("read");
    if (n == 0) {
        at_eof = 1;
        if (in_len > 0) handle(in, in + in_len);
        in_len = 0;
        if (event_del(reader) < 0) die("event_del");
        flush();
        return;
    }
    char *p = in, *end = in + in_len + n, *nl = memchr(in + in_len, '\n', (size_t)n);
    for (; nl; p = nl + 1, nl = memchr(p, '\n', (size_t)(end - p)))
        if (nl > p) handle(p, nl);
    in_len = (size_t)(end - p);
    memmove(in, p, in_len);
    flush();
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    if (fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK) < 0 ||
        fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK) < 0)
        die("fcntl");
    /* epoll refuses regular files: a file on stdin or stdout asks for a backend that takes any. */
    struct stat s0, s1;
    struct event_config *config = event_config_new();
    if (!config) die("event_config_new");
    if ((fstat(0, &s0) == 0 && S_ISREG(s0.st_mode)) || (fstat(1, &s1) == 0 && S_ISREG(s1.st_mode)))
        event_config_require_features(config, EV_FEATURE_FDS);
    if (!(base = event_base_new_with_config(config))) die("event_base_new_with_config");
    event_config_free(config);
    reader = event_new(base, 0, EV_READ | EV_PERSIST, on_readable, NULL);
    writer = event_new(base, 1, EV_WRITE, on_writable, NULL);
    if (!reader || !writer) die("event_new");
    if (event_add(reader, NULL) < 0) die("event_add");
    if (event_base_dispatch(base) < 0) die("event_base_dispatch");
    return 0;
}
