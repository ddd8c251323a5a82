/* evkind.h - one numbering of event kinds for the three parties that share a clock. */
#ifndef KZ_EVKIND_H
#define KZ_EVKIND_H

/*
 * A clock delivers (kind, arg) back to whoever scheduled it. Three parties
 * schedule on the same clock - the engine, the scenario director and the
 * shell around them (the simulator's network, a live node's receive path) -
 * so each owns a range of kinds and a shell dispatches by range. The event
 * set packs a kind into 8 bits; that is the event set's business, not part of
 * any contract above it.
 */
enum kz_ev_range {
    KZ_EV_ENGINE = 1,    /* 1..15: the engine's (engine.h, ENG_EV_*) */
    KZ_EV_DIRECTOR = 16, /* 16..31: the director's (scenario/director.h, DIR_EV_*) */
    KZ_EV_SHELL = 32,    /* 32..63: the shell's own */
    KZ_EV_END = 64
};

enum kz_ev_owner { KZ_EVO_ENGINE, KZ_EVO_DIRECTOR, KZ_EVO_SHELL, KZ_EVO_NONE };

static inline enum kz_ev_owner kz_ev_owner(unsigned kind)
{
    return kind >= KZ_EV_END        ? KZ_EVO_NONE
           : kind >= KZ_EV_SHELL    ? KZ_EVO_SHELL
           : kind >= KZ_EV_DIRECTOR ? KZ_EVO_DIRECTOR
           : kind >= KZ_EV_ENGINE   ? KZ_EVO_ENGINE
                                    : KZ_EVO_NONE;
}

#endif
