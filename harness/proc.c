/* Child processes of the harness: spawn with pipes (exec errors reported through a close-on-exec
 * pipe), collect output with poll(), wait, kill, and describe the way a child ended. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tessera/harness/proc.h>

#define PROC_CAPTURE_CAP (1u << 20)

static void proc_close(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/* In the child: wires stdin to /dev/null (or to the input pipe) and stdout/stderr to the
 * pipes, then execs. On failure writes errno to the report pipe. Never returns. */
static void proc_child(char *const argv[], int in[2], int out[2], int err[2], int report[2])
{
    int null = in[0] >= 0 ? in[0] : open("/dev/null", O_RDONLY);
    int saved;

    if (null < 0 || dup2(null, 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0) {
        saved = errno;
    } else {
        close(out[0]);
        close(err[0]);
        close(report[0]);
        execvp(argv[0], argv);
        saved = errno;
    }
    if (write(report[1], &saved, sizeof(saved)) < 0) {
        _exit(127);
    }
    _exit(127);
}

/* In the parent: reads the child's exec error, if any. Returns 0 or -errno of the child. */
static int proc_exec_result(int report_fd)
{
    int child_errno = 0;
    ssize_t n;

    do {
        n = read(report_fd, &child_errno, sizeof(child_errno));
    } while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof(child_errno) ? -child_errno : 0;
}

static int proc_start(char *const argv[], struct proc *p, bool with_input, struct herr *e)
{
    int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1}, report[2] = {-1, -1};
    int rc;

    p->in_fd = -1;
    if ((with_input && pipe2(in, O_CLOEXEC)) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) ||
        pipe2(report, O_CLOEXEC)) {
        rc = herr_set(e, -errno, "cannot create a pipe for %s: %s", argv[0], strerror(errno));
        goto fail;
    }
    p->pid = fork();
    if (p->pid < 0) {
        rc = herr_set(e, -errno, "cannot start %s: fork: %s", argv[0], strerror(errno));
        goto fail;
    }
    if (p->pid == 0) {
        proc_child(argv, in, out, err, report);
    }
    proc_close(&in[0]);
    proc_close(&out[1]);
    proc_close(&err[1]);
    proc_close(&report[1]);
    rc = proc_exec_result(report[0]);
    proc_close(&report[0]);
    if (rc < 0) {
        int status;
        waitpid(p->pid, &status, 0);
        herr_set(e, rc, "cannot run %s: %s", argv[0], strerror(-rc));
        goto fail;
    }
    p->in_fd = in[1];
    p->out_fd = out[0];
    p->err_fd = err[0];
    return 0;
fail:
    for (int i = 0; i < 2; i++) {
        proc_close(&in[i]);
        proc_close(&out[i]);
        proc_close(&err[i]);
        proc_close(&report[i]);
    }
    return rc;
}

int proc_spawn(char *const argv[], struct proc *p, struct herr *e)
{
    return proc_start(argv, p, false, e);
}

int proc_spawn_input(char *const argv[], struct proc *p, struct herr *e)
{
    return proc_start(argv, p, true, e);
}

int proc_buf_append(struct proc_buf *b, const char *data, size_t len, size_t cap)
{
    size_t keep = b->len >= cap ? 0 : (len < cap - b->len ? len : cap - b->len);
    char *bigger;

    b->dropped += len - keep;
    bigger = realloc(b->data, b->len + keep + 1);
    if (!bigger) {
        return -ENOMEM;
    }
    b->data = bigger;
    memcpy(b->data + b->len, data, keep);
    b->len += keep;
    b->data[b->len] = '\0';
    return 0;
}

void proc_buf_free(struct proc_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->dropped = 0;
}

int proc_drain(int *fd, struct proc_buf *b, size_t cap)
{
    char chunk[4096];
    ssize_t n;

    do {
        n = read(*fd, chunk, sizeof(chunk));
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return -errno;
    }
    if (n == 0) {
        proc_close(fd);
        return 0;
    }
    return proc_buf_append(b, chunk, (size_t)n, cap);
}

int proc_wait(struct proc *p, int *status)
{
    pid_t r;

    do {
        r = waitpid(p->pid, status, 0);
    } while (r < 0 && errno == EINTR);
    proc_close(&p->in_fd);
    proc_close(&p->out_fd);
    proc_close(&p->err_fd);
    return r < 0 ? -errno : 0;
}

void proc_kill(struct proc *p, int grace_ms, int *status)
{
    struct timespec tick = {0, 10 * 1000 * 1000};

    kill(p->pid, SIGTERM);
    for (int waited = 0; waited < grace_ms; waited += 10) {
        if (waitpid(p->pid, status, WNOHANG) == p->pid) {
            proc_close(&p->in_fd);
            proc_close(&p->out_fd);
            proc_close(&p->err_fd);
            return;
        }
        nanosleep(&tick, NULL);
    }
    kill(p->pid, SIGKILL);
    proc_wait(p, status);
}

/* Collects both pipes until they close; each pipe is read only when poll says it is ready. */
static int proc_collect(struct proc *p, struct proc_buf *out, struct proc_buf *err)
{
    while (p->out_fd >= 0 || p->err_fd >= 0) {
        struct pollfd fds[2] = {{p->out_fd, POLLIN, 0}, {p->err_fd, POLLIN, 0}};
        int rc = poll(fds, 2, -1);
        if (rc < 0 && errno == EINTR) {
            continue;
        }
        if (rc < 0) {
            return -errno;
        }
        if (fds[0].revents && (rc = proc_drain(&p->out_fd, out, PROC_CAPTURE_CAP)) < 0) {
            return rc;
        }
        if (fds[1].revents && (rc = proc_drain(&p->err_fd, err, PROC_CAPTURE_CAP)) < 0) {
            return rc;
        }
    }
    return 0;
}

int proc_capture(char *const argv[], struct proc_buf *out, struct proc_buf *err, int *status,
                 struct herr *e)
{
    struct proc p;
    int rc = proc_spawn(argv, &p, e);

    if (rc < 0) {
        return rc;
    }
    rc = proc_collect(&p, out, err);
    if (rc < 0) {
        proc_kill(&p, 1000, status);
        return herr_set(e, rc, "reading the output of %s: %s", argv[0], strerror(-rc));
    }
    rc = proc_wait(&p, status);
    if (rc < 0) {
        return herr_set(e, rc, "waiting for %s: %s", argv[0], strerror(-rc));
    }
    return 0;
}

void proc_describe(int status, char *buf, size_t len)
{
    if (WIFEXITED(status)) {
        snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        snprintf(buf, len, "was killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    } else {
        snprintf(buf, len, "ended with wait status 0x%x", (unsigned)status);
    }
}
