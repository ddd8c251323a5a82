/* dds.c - the node's Cyclone DDS endpoints: one partition per network, three topics. */
#include "dds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dds/dds.h"
#include "kizuna/error.h"
#include "kizuna/live.h"

const char dx_loopback_config[] =
    "<CycloneDDS><Domain Id=\"any\"><General><Interfaces>"
    "<NetworkInterface name=\"lo\" multicast=\"true\"/>"
    "</Interfaces></General></Domain></CycloneDDS>";

/* How long a participant that stopped talking counts as alive (see dx_open). */
#define DX_LEASE DDS_SECS(3)

static const char *const topic_names[DX_NTOPICS] = {"kz_msg", "kz_track", "kz_ack"};

struct dx_net {
    int net;
    dds_entity_t pub, sub;
    dds_entity_t wr[DX_NTOPICS], rd[DX_NTOPICS];
};

struct ddsx {
    dds_entity_t domain, pp, ws;
    dds_entity_t tp[DX_NTOPICS];
    struct dx_net *nets;
    int nnets;
    int *by_net; /* network index -> nets[] slot, -1 */
    int nnetworks;
};

static int dds_fail(char *err, size_t errlen, const char *what, const char *part, dds_return_t rc)
{
    snprintf(err, errlen, "DDS: %s%s%s: %s", what, part ? " in partition " : "", part ? part : "",
             dds_strretcode(rc));
    return KZ_EIO;
}

static dds_qos_t *topic_qos(void)
{
    dds_qos_t *q = dds_create_qos();
    dds_qset_reliability(q, DDS_RELIABILITY_RELIABLE, DDS_SECS(1));
    /* a node's readers share its partitions with its own writers: skip its own samples */
    dds_qset_ignorelocal(q, DDS_IGNORELOCAL_PARTICIPANT);
    /* Keyless, keep-all, volatile for all three: the journal re-sends what its receiver has
     * not acknowledged, supersedes the older unacknowledged updates of a track (the newest
     * only goes out again), and a receiver that joins late or comes back gets what it lacks
     * from the outbox. */
    dds_qset_history(q, DDS_HISTORY_KEEP_ALL, 0);
    dds_qset_durability(q, DDS_DURABILITY_VOLATILE);
    return q;
}

int dx_open(const struct kz_model *m, int me, uint32_t domain, const char *config,
            struct ddsx **out, char *err, size_t errlen)
{
    *out = NULL;
    struct ddsx *x = calloc(1, sizeof *x);
    if (!x)
        return KZ_ENOMEM;
    x->nets = calloc(m->nnetworks ? m->nnetworks : 1, sizeof *x->nets);
    x->by_net = malloc((m->nnetworks ? m->nnetworks : 1) * sizeof *x->by_net);
    if (!x->nets || !x->by_net) {
        dx_close(x);
        return KZ_ENOMEM;
    }
    x->nnetworks = (int)m->nnetworks;
    int rc = KZ_EIO;
    dds_qos_t *q[DX_NTOPICS] = {NULL, NULL, NULL};
    dds_qos_t *pq = NULL;
    /* Samples written in one step go out together (dx_flush): fewer datagrams, less CPU. */
    dds_write_set_batch(true);
    x->domain = dds_create_domain(domain, config ? config : dx_loopback_config);
    if (x->domain < 0) {
        rc = dds_fail(err, errlen, "cannot create the domain (check the configuration)", NULL,
                      x->domain);
        goto fail;
    }
    /* A node killed without a goodbye holds its peers' reliable writers until the lease it
     * announced runs out: each of their writes to its partitions waits max_blocking_time (1 s)
     * for acknowledgements that never come, stalling their loops. The lease (Cyclone's default
     * is 10 s) is kept short so that lasts a few seconds. */
    dds_qos_t *ppq = dds_create_qos();
    dds_qset_liveliness(ppq, DDS_LIVELINESS_AUTOMATIC, DX_LEASE);
    x->pp = dds_create_participant(domain, ppq, NULL);
    dds_delete_qos(ppq);
    if (x->pp < 0) {
        rc = dds_fail(err, errlen, "cannot create the participant", NULL, x->pp);
        goto fail;
    }
    const dds_topic_descriptor_t *desc[DX_NTOPICS] = {&kz_Msg_desc, &kz_Track_desc, &kz_Ack_desc};
    /* A node on no network has nothing to say and, under DDS Security, no grant for any
     * topic (docs/security.md): it joins the domain without endpoints. */
    bool any = false;
    for (size_t n = 0; n < m->nnetworks && !any; n++)
        for (size_t k = 0; k < m->networks[n].members.n; k++)
            any |= m->networks[n].members.v[k].idx == me;
    for (int t = 0; t < DX_NTOPICS && any; t++) {
        q[t] = topic_qos();
        x->tp[t] = dds_create_topic(x->pp, desc[t], topic_names[t], q[t], NULL);
        if (x->tp[t] < 0) {
            rc = dds_fail(err, errlen, "cannot create topic", NULL, x->tp[t]);
            goto fail;
        }
    }
    x->ws = dds_create_waitset(x->pp);
    if (x->ws < 0) {
        rc = dds_fail(err, errlen, "cannot create a waitset", NULL, x->ws);
        goto fail;
    }
    for (size_t n = 0; n < m->nnetworks; n++) {
        x->by_net[n] = -1;
        const struct network *nw = &m->networks[n];
        bool member = false;
        for (size_t k = 0; k < nw->members.n; k++)
            member |= nw->members.v[k].idx == me;
        if (!member)
            continue;
        char part[256];
        snprintf(part, sizeof part, KZ_PARTITION_PREFIX "%s", nw->id);
        struct dx_net *dn = &x->nets[x->nnets];
        dn->net = (int)n;
        pq = dds_create_qos();
        dds_qset_partition1(pq, part);
        dn->pub = dds_create_publisher(x->pp, pq, NULL);
        dn->sub = dds_create_subscriber(x->pp, pq, NULL);
        dds_delete_qos(pq);
        pq = NULL;
        if (dn->pub < 0 || dn->sub < 0) {
            rc = dds_fail(err, errlen, "cannot create publisher/subscriber", part,
                          dn->pub < 0 ? dn->pub : dn->sub);
            goto fail;
        }
        for (int t = 0; t < DX_NTOPICS; t++) {
            dn->wr[t] = dds_create_writer(dn->pub, x->tp[t], q[t], NULL);
            if (dn->wr[t] < 0) {
                rc = dds_fail(err, errlen, "cannot create a writer", part, dn->wr[t]);
                goto fail;
            }
            dn->rd[t] = dds_create_reader(dn->sub, x->tp[t], q[t], NULL);
            if (dn->rd[t] < 0) {
                rc = dds_fail(err, errlen, "cannot create a reader", part, dn->rd[t]);
                goto fail;
            }
            dds_set_status_mask(dn->rd[t], DDS_DATA_AVAILABLE_STATUS);
            dds_return_t r = dds_waitset_attach(x->ws, dn->rd[t], (dds_attach_t)t);
            if (r < 0) {
                rc = dds_fail(err, errlen, "cannot attach a reader", part, r);
                goto fail;
            }
        }
        x->by_net[n] = x->nnets++;
    }
    for (int t = 0; t < DX_NTOPICS; t++)
        dds_delete_qos(q[t]);
    *out = x;
    return 0;
fail:
    for (int t = 0; t < DX_NTOPICS; t++)
        if (q[t])
            dds_delete_qos(q[t]);
    if (pq)
        dds_delete_qos(pq);
    dx_close(x);
    return rc;
}

void dx_close(struct ddsx *x)
{
    if (!x)
        return;
    if (x->domain > 0)
        dds_delete(x->domain);
    free(x->nets);
    free(x->by_net);
    free(x);
}

int dx_write(struct ddsx *x, enum dx_topic t, int net, const void *sample)
{
    if (net < 0 || net >= x->nnetworks || x->by_net[net] < 0)
        return KZ_EINVAL;
    dds_return_t r = dds_write(x->nets[x->by_net[net]].wr[t], sample);
    return r < 0 ? KZ_EIO : 0;
}

void dx_flush(struct ddsx *x)
{
    for (int i = 0; i < x->nnets; i++)
        for (int t = 0; t < DX_NTOPICS; t++)
            dds_write_flush(x->nets[i].wr[t]);
}

void dx_wait(struct ddsx *x, int64_t timeout_ns)
{
    if (timeout_ns <= 0)
        return;
    (void)dds_waitset_wait(x->ws, NULL, 0, timeout_ns);
}

int dx_take(struct ddsx *x, void (*fn)(void *ctx, enum dx_topic t, int net, const void *s),
            void *ctx)
{
    enum { BATCH = 64 };
    int total = 0;
    for (int i = 0; i < x->nnets; i++)
        for (int t = 0; t < DX_NTOPICS; t++) {
            dds_entity_t rd = x->nets[i].rd[t];
            for (;;) {
                void *buf[BATCH] = {NULL};
                dds_sample_info_t si[BATCH];
                dds_return_t n = dds_take(rd, buf, si, BATCH, BATCH);
                if (n < 0)
                    return KZ_EIO;
                for (int k = 0; k < n; k++)
                    if (si[k].valid_data)
                        fn(ctx, (enum dx_topic)t, x->nets[i].net, buf[k]);
                total += n;
                if (n > 0)
                    dds_return_loan(rd, buf, n);
                if (n < BATCH)
                    break;
            }
        }
    return total;
}

int dx_matched(struct ddsx *x)
{
    int n = 0;
    for (int i = 0; i < x->nnets; i++)
        for (int t = 0; t < DX_NTOPICS; t++) {
            dds_publication_matched_status_t st;
            if (dds_get_publication_matched_status(x->nets[i].wr[t], &st) == 0)
                n += (int)st.current_count;
        }
    return n;
}
