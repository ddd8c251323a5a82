/* exercise_nodes.c - the exercise's node processes: their directory, PKI, start and stop. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exercise_impl.h"
#include "kizuna/error.h"
#include "wallclock.h"

/* ---- node processes -------------------------------------------------------------------------------- */

int ex_clear_dir(const char *dir, char *err, size_t errlen)
{
    if (mkdir(dir, 0755) && errno != EEXIST) {
        snprintf(err, errlen, "%s: cannot create: %s", dir, strerror(errno));
        return KZ_EIO;
    }
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: cannot open: %s", dir, strerror(errno));
        return KZ_EIO;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *n = de->d_name;
        size_t l = strlen(n);
        bool ours = (l > 3 && !strcmp(n + l - 3, ".db")) || (l > 7 && !strcmp(n + l - 7, ".db-wal")) ||
                    (l > 7 && !strcmp(n + l - 7, ".db-shm")) || (l > 4 && !strcmp(n + l - 4, ".log")) ||
                    (l > 7 && !strcmp(n + l - 7, ".db.seq")) || strstr(n, ".db.damaged-") ||
                    (l > 8 && !strcmp(n + l - 8, ".db.init"));
        if (ours) {
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", dir, n);
            unlink(p);
        }
    }
    closedir(d);
    return 0;
}

/* rm -r of a directory this module made (the run's PKI): symlinks are removed, not followed. */
static int ex_remove_tree(const char *path, int depth, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(path, &st)) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return KZ_EIO;
    }
    if (S_ISDIR(st.st_mode)) {
        if (depth > 4) {
            snprintf(err, errlen, "%s: nested too deep to be a kizuna PKI; not removed", path);
            return KZ_EIO;
        }
        DIR *d = opendir(path);
        if (!d) {
            snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
            return KZ_EIO;
        }
        struct dirent *de;
        int rc = 0;
        while (!rc && (de = readdir(d))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            char p[4096];
            if ((size_t)snprintf(p, sizeof p, "%s/%s", path, de->d_name) >= sizeof p) {
                snprintf(err, errlen, "%s: path too long", path);
                rc = KZ_EIO;
            } else {
                rc = ex_remove_tree(p, depth + 1, err, errlen);
            }
        }
        closedir(d);
        if (rc)
            return rc;
        if (rmdir(path)) {
            snprintf(err, errlen, "%s: cannot remove: %s", path, strerror(errno));
            return KZ_EIO;
        }
    } else if (unlink(path)) {
        snprintf(err, errlen, "%s: cannot remove: %s", path, strerror(errno));
        return KZ_EIO;
    }
    return 0;
}

/* The PKI the nodes run with: the one given, or a fresh one for this run in journal_dir/pki
 * (the previous run's, if any, removed first: kz_pki_init will not replace a CA). */
int ex_run_pki(struct ex *X, char *buf, size_t n, char *err, size_t errlen)
{
    const struct kz_exercise_options *o = X->o;
    X->secure = NULL;
    if (o->insecure && o->secure_dir) {
        snprintf(err, errlen, "a PKI and insecure nodes exclude each other");
        return KZ_EINVAL;
    }
    if (o->insecure)
        return 0;
    if (o->secure_dir) {
        /* every node's files are there: else each node would fail on its own, in its log */
        size_t cap = 65536;
        char *xml = malloc(cap), e[1024] = "";
        if (!xml)
            return KZ_ENOMEM;
        int rc = 0;
        for (size_t i = 0; i < X->m->nnodes && !rc; i++) {
            rc = kz_pki_security_xml(o->secure_dir, X->m->nodes[i].id, xml, cap, e, sizeof e);
            if (rc == KZ_ELIMIT)
                rc = 0; /* the files are there; the node's own buffer is its business */
        }
        free(xml);
        if (rc) {
            snprintf(err, errlen, "the PKI %s does not serve this structure: %s", o->secure_dir,
                     e[0] ? e : kz_strerror(rc));
            return rc;
        }
        X->secure = o->secure_dir;
        return 0;
    }
    if ((size_t)snprintf(buf, n, "%s/pki", o->journal_dir) >= n) {
        snprintf(err, errlen, "%s: path too long", o->journal_dir);
        return KZ_EINVAL;
    }
    int rc = ex_remove_tree(buf, 0, err, errlen);
    if (rc)
        return rc;
    char e[1024] = "";
    if ((rc = kz_pki_init(X->m, buf, e, sizeof e))) {
        snprintf(err, errlen, "the exercise's PKI: %s", e[0] ? e : kz_strerror(rc));
        return rc;
    }
    X->secure = buf;
    return 0;
}

pid_t ex_spawn(const struct ex *X, const char *structure, int node, int week, char *err,
                   size_t errlen)
{
    const struct kz_exercise_options *o = X->o;
    char speed[32], epoch[32], weekb[16], seed[32], domain[16], logp[4096];
    snprintf(speed, sizeof speed, "%.17g", o->speed);
    snprintf(epoch, sizeof epoch, "%" PRId64, X->epoch_ns);
    snprintf(weekb, sizeof weekb, "%d", week);
    snprintf(seed, sizeof seed, "%" PRIu64, o->seed);
    snprintf(domain, sizeof domain, "%u", (unsigned)o->domain);
    snprintf(logp, sizeof logp, "%s/%s.log", o->journal_dir, X->m->nodes[node].id);
    const char *argv[40];
    int k = 0;
    argv[k++] = o->node_exe;
    argv[k++] = "node";
    argv[k++] = "--structure";
    argv[k++] = structure;
    argv[k++] = "--as";
    argv[k++] = X->m->nodes[node].id;
    argv[k++] = "--journal";
    argv[k++] = o->journal_dir;
    argv[k++] = "--auto";
    argv[k++] = "--emulate-links";
    argv[k++] = "--quiet";
    argv[k++] = "--speed";
    argv[k++] = speed;
    argv[k++] = "--epoch";
    argv[k++] = epoch;
    argv[k++] = "--week-minute";
    argv[k++] = weekb;
    argv[k++] = "--phase";
    argv[k++] = X->m->phases[X->p->phase0].id;
    argv[k++] = "--seed";
    argv[k++] = seed;
    argv[k++] = "--domain";
    argv[k++] = domain;
    if (X->secure) {
        argv[k++] = "--secure";
        argv[k++] = X->secure;
    } else {
        argv[k++] = "--insecure"; /* lab only: the CLI says so loudly */
        argv[k++] = "--force";
    }
    if (o->dds_config) {
        argv[k++] = "--dds-config";
        argv[k++] = o->dds_config;
    }
    argv[k] = NULL;
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "cannot start a node process: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        /* A director that dies (killed, or stopped by a sanitizer) takes its nodes with it:
         * left running they would hold the DDS domain and the journals. */
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
            _exit(127);
        int fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execv(o->node_exe, (char *const *)argv);
        _exit(127);
    }
    return pid;
}

void ex_stop_nodes(struct ex *X)
{
    size_t n = X->m->nnodes;
    /* Nothing lost: up to 10 s for what the nodes sent to be acknowledged (a receipt can be
     * in flight, or wait for a re-send) before they are told to stop. */
    for (int64_t until = wall_ns() + 10000000000LL; wall_ns() < until;) {
        int64_t unacked = 0;
        for (size_t i = 0; i < n; i++)
            if (X->nodes[i].pid > 0 && !X->nodes[i].exited && X->nodes[i].j) {
                int64_t u = jr_out_unacked(X->nodes[i].j);
                unacked += u > 0 ? u : 0;
            }
        if (!unacked)
            break;
        struct timespec nap = {0, 50000000};
        nanosleep(&nap, NULL);
    }
    for (size_t i = 0; i < n; i++)
        if (X->nodes[i].pid > 0 && X->nodes[i].j)
            ex_command(X, (int)i, "{\"cmd\": \"stop\"}");
    /* up to 10 s for them to finish their last transaction; then they are told, then made */
    for (int round = 0; round < 3; round++) {
        int64_t until = wall_ns() + (round == 0 ? 10000000000LL : 2000000000LL);
        for (;;) {
            bool any = false;
            for (size_t i = 0; i < n; i++) {
                struct ex_node *nd = &X->nodes[i];
                if (nd->pid <= 0 || nd->exited)
                    continue;
                if (waitpid(nd->pid, NULL, WNOHANG) == nd->pid)
                    nd->exited = true;
                else
                    any = true;
            }
            if (!any || wall_ns() > until)
                break;
            struct timespec nap = {0, 20000000};
            nanosleep(&nap, NULL);
        }
        for (size_t i = 0; i < n; i++)
            if (X->nodes[i].pid > 0 && !X->nodes[i].exited)
                kill(X->nodes[i].pid, round == 0 ? SIGTERM : SIGKILL);
    }
}

