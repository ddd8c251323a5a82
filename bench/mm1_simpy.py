#!/usr/bin/python3
"""mm1_simpy.py - the same M/M/1 model (lambda 0.9, mu 1, FIFO) in SimPy 2.3.1 (Debian python3-simpy), for comparison."""
# Run with Debian's /usr/bin/python3: python3-simpy installs SimPy only for the system interpreter.

import argparse
import random
import sys
import time

try:
    import SimPy
    from SimPy.Simulation import Process, Simulation, Store, get, hold, put
except ImportError:
    sys.exit("mm1_simpy.py: SimPy 2 (Debian package python3-simpy) not found for %s" % sys.executable)

LAMBDA = 0.9
MU = 1.0
W_THEORY = 1.0 / (MU - LAMBDA)


class Source(Process):
    # Objects carry only their arrival time, like the ring buffer of the C model.
    def run(self, n, store, rnd):
        sim = self.sim
        for _ in range(n):
            yield hold, self, rnd.expovariate(LAMBDA)
            yield put, self, store, [sim._t]


class Server(Process):
    def __init__(self, sim):
        Process.__init__(self, name="server", sim=sim)
        self.total = 0.0
        self.served = 0

    def run(self, store, rnd):
        sim = self.sim
        while True:
            yield get, self, store, 1
            arrived = self.got[0]
            yield hold, self, rnd.expovariate(MU)
            self.total += sim._t - arrived
            self.served += 1


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--objects", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    rnd = random.Random(a.seed)
    sim = Simulation()
    store = Store(name="fifo", capacity=a.objects + 1, sim=sim)
    src = Source(name="source", sim=sim)
    srv = Server(sim)
    sim.activate(src, src.run(a.objects, store, rnd))
    sim.activate(srv, srv.run(store, rnd))

    t0 = time.perf_counter()
    sim.simulate(until=float("inf"))
    wall = time.perf_counter() - t0

    # _sortpr starts at 0 and is decremented once per event notice posted
    # (Simulation._post); every notice is executed because the run drains.
    events = -sim._sortpr
    w = srv.total / srv.served if srv.served else 0.0
    print("model: M/M/1 lambda=%.1f mu=%.1f FIFO via Store, SimPy %s, Python %s"
          % (LAMBDA, MU, SimPy.__version__, sys.version.split()[0]))
    print("objects: %d" % srv.served)
    print("SimPy-counted events: %d (%.2f per object; event notices posted)" % (events, events / max(srv.served, 1)))
    print("wall seconds: %.6f" % wall)
    print("objects/s: %.0f" % (srv.served / wall))
    print("SimPy-counted events/s: %.0f" % (events / wall))
    print("W: %.4f (theory %.0f)" % (w, W_THEORY))


if __name__ == "__main__":
    main()
