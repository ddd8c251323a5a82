/* model_impl.h - the loaded structure's layout, shared by the loader, checker, show, draw and
 * engine. */
#ifndef KZ_MODEL_IMPL_H
#define KZ_MODEL_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "kizuna/model.h"
#include "dist.h"
#include "range.h"
#include "../util/arena.h"

#define KZ_MAX_PHASES  32
#define KZ_MAX_NATIONS 64
#define KZ_MAX_ITEMS   20000 /* per section: nodes, relations ... */

typedef uint32_t phase_mask;
typedef uint64_t nation_mask;

struct pos {
    int line, col;
};

/* What every element may carry: where it is, its source, whether it is a guess. */
struct meta {
    struct pos pos;
    const char *source; /* "; "-joined when a list was given; NULL when absent */
    bool assumption;
    const char *range; /* the assumption's range, as written */
    const struct krange *rng; /* `range` parsed (range.h); NULL when absent or malformed */
    struct pos range_pos;     /* where `range` is written */
    const char *notes; /* free text, or NULL */
};

/* A reference to another element by index, with the place it was written. */
struct ref {
    int idx;
    struct pos pos;
};

struct refs {
    struct ref *v;
    size_t n;
};

enum node_kind {
    NK_NCA, /* national command authority */
    NK_MINISTRY,
    NK_COMBATANT_COMMAND,
    NK_JOINT_HQ,
    NK_COMPONENT,
    NK_FORCE,
    NK_SENSOR,
    NK_SHOOTER,
    NK_COORDINATION,
    NK_AGENCY,
    NK_COUNT
};

enum grade { GR_NONE, GR_CIVILIAN, GR_O6, GR_1STAR, GR_2STAR, GR_3STAR, GR_4STAR, GR_COUNT };

enum action {
    ACT_RELAY,
    ACT_REVIEW,
    ACT_DECIDE,
    ACT_APPROVE,
    ACT_ORDER,
    ACT_EXECUTE,
    ACT_REPORT,
    ACT_COUNT
};

enum cap { CAP_FOREIGN_DISCLOSURE = 1u << 0, CAP_FUSION = 1u << 1 };

enum rel_type {
    RT_COCOM,
    RT_OPCON,
    RT_TACON,
    RT_ADCON,
    RT_SUPPORT,
    RT_COORDINATION,
    RT_LIAISON,
    RT_DIRLAUTH,
    RT_COUNT
};

enum classif { CL_U, CL_C, CL_S, CL_TS, CL_COUNT };

enum topology { TOPO_MESH, TOPO_HUB };

struct nation {
    const char *id, *name;
    bool national_command; /* its forces may not be placed under another nation's OPCON/TACON */
    struct meta meta;
};

struct phase {
    const char *id, *name;
    struct refs requires; /* decision types some node must hold in this phase */
    struct meta meta;
};

struct decision {
    const char *id, *name;
    phase_mask legal; /* phases in which the law permits this decision */
    bool principal;   /* needs the principal in person (recall outside hours) */
    struct meta meta;
};

/*
 * A processing profile: the node's times for some actions when the work is for one
 * decision type and/or at one precedence (a FLASH engagement on a watch floor, a Cabinet
 * decision). The engine takes, for a job, the most specific profile that matches it and
 * has the job's action (decision and precedence > decision > precedence; the first in
 * file order among equals), else the node's `processing`.
 */
struct profile {
    int decision; /* decision index, or -1: any */
    int prec;     /* enum kz_precedence, or -1: any */
    uint8_t has;  /* bit (1 << action): proc[action] is given */
    struct kz_dist proc[ACT_COUNT];
    struct meta meta;
};

struct node {
    const char *id, *name;
    int nation;
    nation_mask combined; /* partner nations of a combined headquarters (may be 0) */
    enum node_kind kind;
    enum grade grade;
    double lat, lon;
    int utc_offset_min;
    int cells;
    bool always;       /* staffed around the clock */
    int day_start_min; /* working hours, local time, minutes after midnight */
    int day_end_min;
    uint8_t days; /* bit 0 = Monday ... bit 6 = Sunday */
    struct kz_dist recall;
    struct kz_dist proc[ACT_COUNT];
    struct profile *profiles; /* overrides by decision type and precedence; may be NULL */
    size_t nprofiles;
    unsigned caps;
    struct meta meta;
    struct pos nation_pos;
};

struct relation {
    enum rel_type type;
    int from, to;
    phase_mask phases;
    struct pos from_pos, to_pos, phases_pos;
    struct meta meta;
};

struct authority {
    int decision;
    int holder;
    int assets; /* nation whose assets the decision concerns */
    struct refs executors;
    phase_mask phases;
    struct refs approvals; /* in order, before the holder decides */
    int delegate;          /* node index, or -1 */
    struct kz_dist delegate_after;
    bool concurrent;       /* `approve: concurrent`: every approver asked at once */
    /* `standing:` the decision is in force in advance (an instrument, with its source): the
     * holder takes it at once on a request that reaches it - no approvals, no decide work,
     * no delegation timer. The loader refuses approvals or a delegate with it. */
    bool standing;
    const char *instrument; /* the instrument's text, e.g. "SDF Law art. 82-3 order" */
    struct meta standing_meta;
    struct pos holder_pos, phases_pos;
    struct meta meta;
};

struct network {
    const char *id, *name;
    enum classif ceiling;
    struct refs members;
    nation_mask releasable;
    enum topology topology;
    int hub; /* node index for TOPO_HUB, else -1 */
    struct kz_dist overhead;
    /* `relay: automatic`: a member forwards a message that arrived over an automatic
     * network onto this one by machine, after a `gateway` draw, without staff. */
    bool automatic;
    struct kz_dist gateway;
    double path_factor; /* route length over great-circle distance */
    phase_mask phases;
    struct pos releasable_pos;
    struct meta meta;
};

/* A variant of the structure (`variants:`): an alternative some elements belong to
 * (`only_in`) or are left out of (`except_in`); one is selected as "FILE@VARIANT". */
struct variant {
    const char *id, *title;
    struct meta meta;
};

struct kz_model {
    struct arena arena;
    const char *file;
    const char *name, *title, *description;
    struct meta meta;
    struct variant *variants; /* every variant the file declares, selected or not */
    size_t nvariants;
    int variant; /* index of the selected variant, or -1: none */
    struct nation *nations;
    size_t nnations;
    struct phase *phases;
    size_t nphases;
    struct decision *decisions;
    size_t ndecisions;
    struct node *nodes;
    size_t nnodes;
    struct relation *relations;
    size_t nrelations;
    struct authority *authorities;
    size_t nauthorities;
    struct network *networks;
    size_t nnetworks;
};

/* Names as written in structure files, by enum value. */
extern const char *const kz_node_kind_names[NK_COUNT];
extern const char *const kz_grade_names[GR_COUNT];
extern const char *const kz_action_names[ACT_COUNT];
extern const char *const kz_rel_type_names[RT_COUNT];
extern const char *const kz_classif_names[CL_COUNT];

static inline bool rel_is_command(enum rel_type t)
{
    return t == RT_COCOM || t == RT_OPCON || t == RT_TACON;
}

static inline bool rel_is_peer(enum rel_type t)
{
    return t == RT_COORDINATION || t == RT_LIAISON || t == RT_DIRLAUTH;
}

static inline phase_mask phase_all(const struct kz_model *m)
{
    return m->nphases >= 32 ? 0xffffffffu : ((1u << m->nphases) - 1u);
}

/* Great-circle distance in km (haversine, R = 6371 km). */
double kz_geo_km(double lat1, double lon1, double lat2, double lon2);

#endif
