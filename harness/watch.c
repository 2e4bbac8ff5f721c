/* Watching one QEMU boot: poll() on its stdout (the serial line) and stderr, lines to
 * console.log and the console parser, input to its stdin after the lines it waits for,
 * progress on stderr, and the wall-clock limit. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tessera/harness/linebuf.h>
#include <tessera/harness/watch.h>

#define WATCH_KILL_GRACE_MS 1000

struct watch_state {
    const struct watch_params *p;
    struct watch_result *r;
    FILE *console;
    struct linebuf lb;
    struct proc qemu;
    int64_t start_ms;
    int64_t next_progress_ms;
    size_t next_input;          /* the input step to write next */
    bool seen[INPUT_MAX_STEPS]; /* a line containing the step's `after` went by */
};

static int64_t watch_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void watch_milestone(struct watch_state *s, const struct clog_note *n)
{
    char what[256];

    if (s->p->quiet || !clog_describe(s->p->log, n, what, sizeof(what))) {
        return;
    }
    fprintf(stderr, "tessera: %s: [%lld.%09lld] %s\n", s->p->label, (long long)(n->ns / 1000000000),
            (long long)(n->ns % 1000000000), what);
}

/* Writes every input step whose line was seen, in order; closes QEMU's stdin after the last
 * one. A QEMU that no longer reads (it ended) is not an error of the watch: its end is. */
static void watch_input(struct watch_state *s, const char *line, size_t len)
{
    for (size_t j = s->next_input; j < s->p->ninput; j++) {
        const char *after = s->p->input[j].after;
        s->seen[j] = s->seen[j] || memmem(line, len, after, strlen(after)) != NULL;
    }
    while (s->next_input < s->p->ninput && s->seen[s->next_input]) {
        const struct input_step *st = &s->p->input[s->next_input++];
        for (size_t done = 0; done < st->len && s->qemu.in_fd >= 0;) {
            ssize_t n = write(s->qemu.in_fd, st->data + done, st->len - done);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0) {
                close(s->qemu.in_fd);
                s->qemu.in_fd = -1;
                break;
            }
            done += (size_t)n;
        }
    }
    if (s->next_input == s->p->ninput && s->qemu.in_fd >= 0) {
        close(s->qemu.in_fd);
        s->qemu.in_fd = -1;
    }
}

/* One console line: into console.log as received, then into the parser. */
static int watch_line(void *ctx, const char *line, size_t len)
{
    struct watch_state *s = ctx;
    struct clog_note n;
    int rc;

    if (fwrite(line, 1, len, s->console) != len || fputc('\n', s->console) == EOF) {
        return -EIO;
    }
    rc = s->p->feed ? s->p->feed(s->p->feed_ctx, line, &n) : clog_feed(s->p->log, line, &n);
    if (rc) {
        return rc;
    }
    watch_milestone(s, &n);
    watch_input(s, line, len);
    if (s->p->finished && !s->r->finished && s->p->finished(s->p->feed_ctx)) {
        s->r->finished = true;
    }
    return 0;
}

static void watch_progress(struct watch_state *s, int64_t now)
{
    size_t expected = 0;

    if (s->p->quiet || now < s->next_progress_ms) {
        return;
    }
    for (size_t i = 0; i < s->p->log->ndom; i++) {
        expected += s->p->log->dom[i].expected;
    }
    fprintf(stderr, "tessera: %s: %.1f s, %u/%zu domains ready\n", s->p->label,
            (double)(now - s->start_ms) / 1000.0, clog_ready_count(s->p->log), expected);
    s->next_progress_ms = now + WATCH_PROGRESS_MS;
}

/* Reads what QEMU's stdout has; EOF closes the fd. */
static int watch_stdout(struct watch_state *s)
{
    char chunk[4096];
    ssize_t n;
    int rc;

    do {
        n = read(s->qemu.out_fd, chunk, sizeof(chunk));
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return -errno;
    }
    if (n == 0) {
        close(s->qemu.out_fd);
        s->qemu.out_fd = -1;
        return linebuf_flush(&s->lb, watch_line, s);
    }
    if ((rc = linebuf_feed(&s->lb, chunk, (size_t)n, watch_line, s))) {
        return rc;
    }
    return fflush(s->console) == 0 ? 0 : -EIO;
}

/* One poll round. Returns 0, 1 when the time limit is reached, or a negative errno. */
static int watch_poll(struct watch_state *s)
{
    struct pollfd fds[2] = {{s->qemu.out_fd, POLLIN, 0}, {s->qemu.err_fd, POLLIN, 0}};
    int64_t now = watch_now_ms(), deadline = s->start_ms + s->p->timeout_ms;
    int64_t wait = deadline - now;
    int rc;

    if (wait <= 0) {
        return 1;
    }
    if (!s->p->quiet && s->next_progress_ms - now < wait) {
        wait = s->next_progress_ms - now > 0 ? s->next_progress_ms - now : 0;
    }
    rc = poll(fds, 2, (int)wait);
    if (rc < 0) {
        return errno == EINTR ? 0 : -errno;
    }
    if (fds[0].revents && (rc = watch_stdout(s)) < 0) {
        return rc;
    }
    if (fds[1].revents && (rc = proc_drain(&s->qemu.err_fd, &s->r->err, WATCH_STDERR_CAP)) < 0) {
        return rc;
    }
    watch_progress(s, watch_now_ms());
    return 0;
}

/* After both pipes closed: waits for QEMU's exit until the time limit. Returns 1 on timeout. */
static int watch_reap(struct watch_state *s)
{
    struct timespec tick = {0, 10 * 1000 * 1000};
    int64_t deadline = s->start_ms + s->p->timeout_ms;

    for (;;) {
        pid_t r = waitpid(s->qemu.pid, &s->r->status, WNOHANG);
        if (r == s->qemu.pid) {
            return 0;
        }
        if (r < 0 && errno != EINTR) {
            return -errno;
        }
        if (watch_now_ms() >= deadline) {
            return 1;
        }
        nanosleep(&tick, NULL);
    }
}

static int watch_loop(struct watch_state *s)
{
    int rc = 0;

    while (rc == 0 && !s->r->finished && (s->qemu.out_fd >= 0 || s->qemu.err_fd >= 0)) {
        rc = watch_poll(s);
    }
    if (rc == 0 && s->r->finished) {
        proc_kill(&s->qemu, WATCH_KILL_GRACE_MS, &s->r->status);
        return 0;
    }
    if (rc == 0) {
        rc = watch_reap(s);
    }
    if (rc != 0) {
        s->r->timed_out = rc == 1;
        proc_kill(&s->qemu, WATCH_KILL_GRACE_MS, &s->r->status);
        linebuf_flush(&s->lb, watch_line, s);
    }
    return rc < 0 ? rc : 0;
}

int watch_run(const struct watch_params *p, struct watch_result *r, struct herr *e)
{
    struct watch_state s = {.p = p, .r = r};
    int rc;

    memset(r, 0, sizeof(*r));
    s.console = fopen(p->console_path, "w");
    if (!s.console) {
        return herr_set(e, -errno, "cannot create %s: %s", p->console_path, strerror(errno));
    }
    linebuf_init(&s.lb);
    if (p->ninput > 0) {
        signal(SIGPIPE, SIG_IGN); /* a QEMU gone before its input: its end tells */
    }
    rc = p->ninput > 0 ? proc_spawn_input(p->argv, &s.qemu, e) : proc_spawn(p->argv, &s.qemu, e);
    if (rc == 0) {
        s.start_ms = watch_now_ms();
        s.next_progress_ms = s.start_ms + WATCH_PROGRESS_MS;
        rc = watch_loop(&s);
        r->wall_s = (double)(watch_now_ms() - s.start_ms) / 1000.0;
        if (rc < 0) {
            herr_set(e, rc, "watching QEMU: %s (console.log may be incomplete)", strerror(-rc));
        }
    }
    r->split_lines = s.lb.split_lines;
    linebuf_free(&s.lb);
    if (fclose(s.console) != 0 && rc == 0) {
        rc = herr_set(e, -EIO, "cannot write %s", p->console_path);
    }
    return rc;
}

void watch_result_free(struct watch_result *r)
{
    proc_buf_free(&r->err);
}
