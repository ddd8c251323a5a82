/* route.h - routes under the release gate: next hops towards a destination, cached per world state. */
#ifndef KZ_ROUTE_H
#define KZ_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model_impl.h"

/*
 * Three graphs over the structure's nodes:
 *  - NET: any two members of a network (mesh) or a member and the hub (hub):
 *    how tracks and reports travel;
 *  - REL: the two ends of any relation, either way: how requests travel;
 *  - CMD: superior to subordinate over command relations: how orders travel.
 * NET is not stored hop by hop (a mesh has members squared of them): the search
 * walks each network's member list, so memory stays linear in members.
 * A hop over REL or CMD still needs a network joining its two ends. Every hop
 * passes the release gate (the network's ceiling covers the classification,
 * every nation on the network is in the releasable set). A route may include
 * one foreign-disclosure review, which widens the set by `disclosable`.
 *
 * A route table answers, for every node and review state, the next hop
 * towards one destination; it is computed by a backward Dijkstra over mean
 * times (latency plus the next node's processing - on the NET graph its gateway
 * time instead, when it would relay the message on by machine: in over an
 * automatic network and, by the hop already chosen from it, out over one) and
 * cached by everything it
 * depends on: graph, destination, classification, releasable and disclosable
 * sets, phase, and the set of outages in force.
 */
enum graph { G_NET, G_REL, G_CMD, G_COUNT };

#define HOP_NONE   (-1) /* unreachable */
#define HOP_REVIEW (-2) /* review here first, then look again with reviewed = 1 */

struct hop {
    int32_t next, net;
};

struct world {
    int phase;
    uint64_t outages;        /* active outage ids */
    const uint8_t *node_down;
    const uint8_t *net_down; /* [network] */
    const uint64_t *cutmask; /* [node]: cut outages the node belongs to */
    uint64_t active_cuts;
    int nlinks;
    const int32_t (*links)[2]; /* active link outages */
};

struct router;

int router_create(const struct kz_model *m, struct router **out);
void router_free(struct router *r);

/*
 * The table for reaching `dst` (2 entries per node: not reviewed, reviewed).
 * `structural` ignores outages: no route then means the step can never be
 * carried out. Returns NULL only when out of memory. The table stays valid
 * until the next call.
 */
const struct hop *router_table(struct router *r, enum graph g, int dst, enum classif cls,
                               nation_mask rel, nation_mask disc, const struct world *w,
                               bool structural);

/* Seconds of propagation between two nodes over a network (great circle x path factor). */
double router_prop_s(const struct router *r, int a, int b, int net);

/* Nations with a member on each network. */
nation_mask router_net_nations(const struct router *r, int net);

/*
 * What the router holds, so tests can hold it to a budget: the edges it stores (REL and CMD;
 * NET has none) and the bytes it has allocated, cached tables included.
 */
size_t router_edges(const struct router *r);
size_t router_bytes(const struct router *r);

#endif
